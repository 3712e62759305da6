// Markdown as labelers see it: GitHub-flavoured, raw HTML shown as text (never rendered), links open
// in a new tab, and images shown as links so a model answer cannot load anything from elsewhere.
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const COMPONENTS: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        [image: {alt || src}]
      </a>
    ) : (
      <span>[image: {alt}]</span>
    ),
  pre: ({ node: _node, ...props }) => <pre {...props} tabIndex={0} />,
};

export function Markdown({ children, className = "" }: { children: string; className?: string }) {
  return (
    <div className={`prose-md break-words ${className}`}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={COMPONENTS}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
