/**
 * Reads what the folder check needs from an ONNX file: its metadata and the
 * names and shapes of the graph's inputs and outputs. sherpa-onnx ends the
 * process on a file that is not ONNX or lacks a metadata key, so these are
 * checked before it sees the file.
 *
 * Walks the protobuf wire format and seeks past everything else: the weights
 * come before the inputs, outputs and metadata in the file, so decoding the
 * whole message (protobufjs and onnx-proto would) costs the model's size in
 * memory; this costs a few reads. Field numbers from onnx.proto: ModelProto
 * ir_version 1, graph 7, metadata_props 14; GraphProto input 11, output 12;
 * ValueInfoProto name 1, type 2; TypeProto tensor_type 1; Tensor elem_type 1,
 * shape 2; TensorShapeProto dim 1; Dimension dim_value 1, dim_param 2.
 */
import * as fs from 'fs';

export interface OnnxValue {
  name: string;
  /** A number, a symbolic name, or undefined where the file gives neither. */
  dims: Array<number | string | undefined>;
}

export interface OnnxSummary {
  irVersion: number;
  metadata: Record<string, string>;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

export class OnnxFormatError extends Error {}

const WINDOW = 64 * 1024;

/** Sequential reads from a file through one window buffer. */
class FileCursor {
  private buf = Buffer.alloc(WINDOW);
  private bufStart = 0;
  private bufLen = 0;
  constructor(private readonly fd: number, readonly size: number, public pos = 0) {}

  private byte(): number {
    if (this.pos >= this.size) throw new OnnxFormatError('ends early');
    if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) {
      this.bufStart = this.pos;
      this.bufLen = fs.readSync(this.fd, this.buf, 0, WINDOW, this.pos);
    }
    return this.buf[this.pos++ - this.bufStart];
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new OnnxFormatError('has a malformed number');
  }

  bytes(n: number): Buffer {
    if (this.pos + n > this.size) throw new OnnxFormatError('ends early');
    const out = Buffer.alloc(n);
    fs.readSync(this.fd, out, 0, n, this.pos);
    this.pos += n;
    return out;
  }
}

interface Field {
  field: number;
  wire: number;
  /** Varint value, or the length of a length-delimited field. */
  value: number;
  /** Where a length-delimited field's bytes start. */
  at: number;
}

/** Iterates the fields of a message in [from, to); skips the payloads the caller does not read. */
function* fields(c: { varint(): number; pos: number; size: number }, to: number): Generator<Field> {
  while (c.pos < to) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new OnnxFormatError('has a field number 0');
    if (wire === 0) {
      yield { field, wire, value: c.varint(), at: c.pos };
    } else if (wire === 2) {
      const len = c.varint();
      const at = c.pos;
      if (at + len > to) throw new OnnxFormatError('ends early');
      yield { field, wire, value: len, at };
      c.pos = at + len;
    } else if (wire === 1 || wire === 5) {
      c.pos += wire === 1 ? 8 : 4;
    } else {
      throw new OnnxFormatError(`has an invalid wire type ${wire}`);
    }
  }
  if (c.pos !== to) throw new OnnxFormatError('ends early');
}

/** A small message already in memory. */
class BufferCursor {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new OnnxFormatError('ends early');
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new OnnxFormatError('has a malformed number');
  }
  sub(f: Field): BufferCursor {
    return new BufferCursor(this.buf.subarray(f.at, f.at + f.value));
  }
  text(f: Field): string {
    return this.buf.toString('utf8', f.at, f.at + f.value);
  }
}

function only(c: BufferCursor, field: number): BufferCursor | undefined {
  for (const f of fields(c, c.size)) if (f.field === field && f.wire === 2) return c.sub(f);
  return undefined;
}

function valueInfo(buf: Buffer): OnnxValue {
  const c = new BufferCursor(buf);
  let name = '';
  let type: BufferCursor | undefined;
  for (const f of fields(c, c.size)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) name = c.text(f);
    else if (f.field === 2) type = c.sub(f);
  }
  const dims: OnnxValue['dims'] = [];
  const tensor = type && only(type, 1);
  const shape = tensor && only(tensor, 2);
  if (shape) {
    for (const f of fields(shape, shape.size)) {
      if (f.field !== 1 || f.wire !== 2) continue;
      const d = shape.sub(f);
      let dim: number | string | undefined;
      for (const g of fields(d, d.size)) {
        if (g.field === 1 && g.wire === 0) dim = g.value;
        else if (g.field === 2 && g.wire === 2) dim = d.text(g);
      }
      dims.push(dim);
    }
  }
  return { name, dims };
}

function keyValue(buf: Buffer): [string, string] {
  const c = new BufferCursor(buf);
  let key = '';
  let value = '';
  for (const f of fields(c, c.size)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) key = c.text(f);
    else if (f.field === 2) value = c.text(f);
  }
  return [key, value];
}

/** Throws OnnxFormatError (what is wrong, to follow the file's name) or a file-system error. */
export function readOnnxSummary(file: string): OnnxSummary {
  const fd = fs.openSync(file, 'r');
  try {
    const c = new FileCursor(fd, fs.fstatSync(fd).size);
    let irVersion: number | undefined;
    let graph: Field | undefined;
    const metadata: Record<string, string> = {};
    for (const f of fields(c, c.size)) {
      if (f.field === 1 && f.wire === 0) irVersion = f.value;
      else if (f.field === 7 && f.wire === 2) graph = f;
      else if (f.field === 14 && f.wire === 2) {
        const [key, value] = keyValue(c.bytes(f.value));
        metadata[key] = value;
      }
    }
    if (irVersion === undefined || !graph) throw new OnnxFormatError('has no ONNX model header');
    const inputs: OnnxValue[] = [];
    const outputs: OnnxValue[] = [];
    c.pos = graph.at;
    for (const f of fields(c, graph.at + graph.value)) {
      if (f.wire === 2 && (f.field === 11 || f.field === 12)) (f.field === 11 ? inputs : outputs).push(valueInfo(c.bytes(f.value)));
    }
    return { irVersion, metadata, inputs, outputs };
  } finally {
    fs.closeSync(fd);
  }
}
