// A run's metrics as CSV and as a TensorBoard event file. The event file is read back by a reader
// written here independently of lib/runs/tfevents.ts: a bitwise CRC-32C (no table) checks every
// record's framing, and a small protobuf decoder reads the Events; then again by maintained
// libraries: protobufjs with TensorBoard's Event and Summary messages, and @aws-crypto/crc32c.
import { crc32c } from "@aws-crypto/crc32c";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { metricsCsvResponse, metricsTensorboardResponse } from "../../lib/runs/metrics-download";
import { makeUser } from "../helpers/factories";

function crc32cBitwise(b: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of b) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}
const unmask = (m: number) => {
  const r = (m - 0xa282ead8) >>> 0;
  return ((r << 15) | (r >>> 17)) >>> 0;
};

type Field = { no: number; wire: number; value: bigint | Buffer | number };
function decode(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) out.push({ no, wire, value: buf.readDoubleLE((i += 8) - 8) });
    else if (wire === 5) out.push({ no, wire, value: buf.readFloatLE((i += 4) - 4) });
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ no, wire, value: buf.subarray(i, (i += n)) });
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

function readEvents(file: Buffer) {
  const events: { wallTime: number; step: number; fileVersion?: string; scalars: Record<string, number> }[] = [];
  let at = 0;
  while (at < file.length) {
    const len = Number(file.readBigUInt64LE(at));
    expect(unmask(file.readUInt32LE(at + 8))).toBe(crc32cBitwise(file.subarray(at, at + 8)));
    const data = file.subarray(at + 12, at + 12 + len);
    expect(unmask(file.readUInt32LE(at + 12 + len))).toBe(crc32cBitwise(data));
    at += 12 + len + 4;
    const ev = { wallTime: 0, step: 0, fileVersion: undefined as string | undefined, scalars: {} as Record<string, number> };
    for (const f of decode(Buffer.from(data))) {
      if (f.no === 1) ev.wallTime = f.value as number;
      else if (f.no === 2) ev.step = Number(f.value);
      else if (f.no === 3) ev.fileVersion = (f.value as Buffer).toString("utf8");
      else if (f.no === 5)
        for (const v of decode(f.value as Buffer)) {
          const parts = decode(v.value as Buffer);
          ev.scalars[(parts.find((p) => p.no === 1)!.value as Buffer).toString("utf8")] = parts.find((p) => p.no === 2)!.value as number;
        }
    }
    events.push(ev);
  }
  expect(at).toBe(file.length);
  return events;
}

async function runWithMetrics() {
  const user = await makeUser("admin");
  const run = await db.trainingRun.create({ data: { kind: "sft", config: {}, createdById: user.id, name: "metrics test" } });
  const t0 = Date.parse("2026-12-01T10:00:00.000Z");
  const points = [
    { step: 1, name: "loss", value: 2.5 },
    { step: 1, name: "lr", value: 0.001 },
    { step: 2, name: "loss", value: 2.25 },
    { step: 2, name: 'val,"loss"', value: 2.75 },
  ];
  for (const [i, p] of points.entries()) await db.runMetric.create({ data: { runId: run.id, ...p, createdAt: new Date(t0 + i * 1000) } });
  return run;
}

describe("a run's metrics as files", () => {
  it("is a TensorBoard event file: TFRecord framing with masked CRC32C, brain.Event:2 first, then one Event per step with its scalars", async () => {
    expect(crc32cBitwise(Buffer.from("123456789"))).toBe(0xe3069283); // the CRC-32C check value: the reader itself is right
    const run = await runWithMetrics();
    const res = await metricsTensorboardResponse(run.id);
    expect(res.headers.get("content-disposition")).toMatch(/filename="events\.out\.tfevents\.\d+\./);
    const events = readEvents(Buffer.from(await res.arrayBuffer()));
    expect(events[0]).toMatchObject({ fileVersion: "brain.Event:2", step: 0 });
    expect(events.slice(1).map((e) => [e.step, e.scalars])).toEqual([
      [1, { loss: 2.5, lr: Math.fround(0.001) }],
      [2, { loss: 2.25, 'val,"loss"': 2.75 }],
    ]);
    expect(events[1].wallTime).toBe(Date.parse("2026-12-01T10:00:00.000Z") / 1000);
  });

  it("reads back with maintained libraries: protobufjs decodes every record as a TensorBoard Event, @aws-crypto/crc32c checks its framing", async () => {
    // TensorBoard's event.proto and summary.proto (tensorboard/compat/proto), the fields a scalar log uses
    const { root } = protobuf.parse(`
      syntax = "proto3";
      package tensorboard;
      message Event {
        double wall_time = 1;
        int64 step = 2;
        oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; }
      }
      message Summary {
        message Value { string node_name = 7; string tag = 1; oneof value { float simple_value = 2; } }
        repeated Value value = 1;
      }`);
    const Event = root.lookupType("tensorboard.Event");
    const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0; // TFRecord's masked CRC
    const run = await runWithMetrics();
    const file = Buffer.from(await (await metricsTensorboardResponse(run.id)).arrayBuffer());
    type Decoded = { wallTime: number; step: number; fileVersion?: string; summary?: { value: { tag: string; simpleValue: number }[] } };
    const events: Decoded[] = [];
    let at = 0;
    while (at < file.length) {
      const len = Number(file.readBigUInt64LE(at));
      expect(file.readUInt32LE(at + 8)).toBe(masked(crc32c(file.subarray(at, at + 8))));
      const data = file.subarray(at + 12, at + 12 + len);
      expect(file.readUInt32LE(at + 12 + len)).toBe(masked(crc32c(data)));
      events.push(Event.toObject(Event.decode(data), { longs: Number, defaults: true }) as Decoded);
      at += 12 + len + 4;
    }
    expect(at).toBe(file.length);
    expect(events[0]).toMatchObject({ fileVersion: "brain.Event:2", step: 0 });
    expect(events.slice(1).map((e) => [e.step, e.wallTime, Object.fromEntries(e.summary!.value.map((v) => [v.tag, v.simpleValue]))])).toEqual([
      [1, Date.parse("2026-12-01T10:00:00.000Z") / 1000, { loss: 2.5, lr: Math.fround(0.001) }],
      [2, Date.parse("2026-12-01T10:00:02.000Z") / 1000, { loss: 2.25, 'val,"loss"': 2.75 }],
    ]);
  });

  it("is a CSV with a header, quoting where needed", async () => {
    const run = await runWithMetrics();
    const text = await (await metricsCsvResponse(run.id)).text();
    expect(text).toBe(
      "step,metric,value,time\n" +
        "1,loss,2.5,2026-12-01T10:00:00.000Z\n1,lr,0.001,2026-12-01T10:00:01.000Z\n" +
        '2,loss,2.25,2026-12-01T10:00:02.000Z\n2,"val,""loss""",2.75,2026-12-01T10:00:03.000Z\n',
    );
  });

  it("says not found for an unknown run", async () => {
    await expect(metricsCsvResponse("00000000-0000-0000-0000-000000000000")).rejects.toThrow(/not found/i);
    await expect(metricsTensorboardResponse("nope")).rejects.toThrow(/not found/i);
  });
});
