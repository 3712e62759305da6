import { describe, expect, it } from "vitest";
import { chartsFor } from "../../components/runs/chart-groups";
import { DATA_FIT_METRICS, dataFitRows, lostResponses } from "../../components/runs/data-fit";
import { mergeMetrics, type MetricPoint } from "../../components/runs/metric-series";
import { truncationMetrics, emptyStats } from "../../ml/index";

const point = (name: string, step: number, value: number, id: number): MetricPoint => ({ id: String(id), step, name, value });

describe("the data-fit counts on the run page", () => {
  it("labels every count the trainers report, and knows no other", () => {
    expect(DATA_FIT_METRICS.map((m) => m.name)).toEqual(Object.keys(truncationMetrics(emptyStats("examples"))));
  });

  it("lists the counts under their labels (the latest report wins), flags lost responses, and draws no chart for them", () => {
    const report = { data_examples: 10, data_prompt_shortened: 3, data_response_truncated: 0, data_skipped: 2, data_response_tokens_dropped: 118 };
    let id = 1;
    let series = mergeMetrics({}, [...Object.entries(report).map(([k, v]) => point(k, 0, v, id++)), point("loss", 1, 2.5, id++), point("loss", 2, 2.1, id++)]);
    const rows = dataFitRows(series);
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ["Examples in the data", 10],
      ["Prompt shortened (cut from the left)", 3],
      ["Response cut at the end", 0],
      ["Skipped (response too long)", 2],
      ["Response tokens dropped", 118],
    ]);
    expect(lostResponses(rows)).toBe(true);
    expect(chartsFor("sft", series).map((c) => c.id)).toEqual(["loss"]);

    series = mergeMetrics(series, [point("data_skipped", 0, 0, id++), point("data_response_tokens_dropped", 0, 0, id++)]); // a resumed attempt reports again
    expect(lostResponses(dataFitRows(series))).toBe(false);
    expect(dataFitRows({})).toEqual([]);
  });
});
