// The demo project a fresh install starts with: real work to see at once.
export const DEMO_PROJECT = {
  slug: "demo",
  name: "Demo: helpful assistant",
  description: "A small project to try labeling: write answers, rank model answers, export, train.",
  answersPerTask: 4,
  rankingsPerTask: 2,
  demonstrationsPerPrompt: 1,
  guidelines: `# Guidelines

Rank answers by how **helpful, truthful and harmless** they are, in that order of weight when they conflict.

- **Helpful**: follows the instruction, answers what was asked, is clear and concise.
- **Truthful**: no made-up facts; says so when unsure.
- **Harmless**: no dangerous advice, no insults, no private data.

Put two answers in the same tier (a tie) only when you truly cannot prefer one.
Flag problems per answer; use **Cannot rank** when the task itself is broken.

When writing a demonstration, write the answer you would want the best assistant to give.`,
};

export const DEMO_DEMONSTRATION_PROMPTS = [
  "Write a haiku about debugging code late at night.",
  "Explain the difference between a list and a tuple in Python in two sentences.",
  "Give three tips for writing a clear commit message.",
  "What is the boiling point of water at sea level, in Celsius and Fahrenheit?",
];

export const DEMO_ANSWER_SETS: { prompt: string; responses: string[] }[] = [
  {
    prompt: "Reverse the string `hello world`.",
    responses: [
      "`dlrow olleh`",
      "The reversed string is `dlrow olleh`. In Python you can write `'hello world'[::-1]`.",
      "`olleh dlrow`",
      "Reversing strings is a common interview question. Strings are sequences of characters.",
    ],
  },
  {
    prompt: "What is 17 × 6?",
    responses: ["102", "17 × 6 = 102 (10 × 6 = 60, plus 7 × 6 = 42).", "112", "I can't do math."],
  },
  {
    prompt: "Explain what a hash table is to a ten-year-old.",
    responses: [
      "A hash table is like a set of labelled boxes. A rule turns a name into a box number, so you can find anything fast without looking in every box.",
      "A hash table is a data structure implementing an associative array abstract data type using a hash function to compute an index into an array of buckets or slots.",
      "It's a table where you keep hash browns.",
      "Imagine a library where each book's title tells you exactly which shelf it lives on. That rule is the hash, and the shelves are the table.",
    ],
  },
  {
    prompt: "Turn this into a bulleted list: apples, bread, milk",
    responses: ["- apples\n- bread\n- milk", "* Apples\n* Bread\n* Milk", "apples, bread, milk", "1. apples 2. bread 3. milk"],
  },
  {
    prompt: "Write a Python function that returns the largest number in a list.",
    responses: [
      "```python\ndef largest(xs):\n    return max(xs)\n```",
      '```python\ndef largest(xs):\n    if not xs:\n        raise ValueError("empty list")\n    best = xs[0]\n    for x in xs[1:]:\n        if x > best:\n            best = x\n    return best\n```',
      "```python\ndef largest(xs):\n    return sorted(xs)[0]\n```",
      "Use the max function.",
    ],
  },
  {
    prompt: "Is it safe to look directly at the sun during a solar eclipse?",
    responses: [
      "No. Even during an eclipse the sun can damage your eyes. Use certified eclipse glasses or a pinhole projector.",
      "Yes, the moon blocks the harmful rays.",
      "Only for a few seconds.",
      "No: looking at the sun without proper eye protection can cause permanent eye damage (solar retinopathy), eclipse or not. Use ISO 12312-2 eclipse glasses.",
    ],
  },
];
