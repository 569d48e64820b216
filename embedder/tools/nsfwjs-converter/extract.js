#!/usr/bin/env node
// Extracts the nsfwjs@4.4.0 MobileNetV2 TFJS *layers* model (topology + dequantised weights)
// and computes TFJS reference features (GAP of block_13_expand_relu) for PNG inputs.
//
// usage: node extract.js --work DIR [--png in.png:out.json ...] [--random N]
//
// Writes to DIR:
//   topology.json     Keras model_config from model.min.js (as shipped)
//   manifest.json     weightsManifest as shipped (with uint8 quantisation params)
//   weights.json      [{name, shape, offset, length}] of dequantised float32 weights
//   weights.bin       little-endian float32 weights, as TFJS holds them after loading
//   sources.json      sha256 of the nsfwjs source files + versions
//   random-input.bin  (with --random N) N x 224 x 224 x 3 float32 deterministic noise, NHWC
//   random-ref.bin    (with --random N) N x 576 float32 TFJS reference for random-input.bin
// For each --png in.png:out.json, writes the reference JSON (576 floats, raw GAP).
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs');
const { PNG } = require('pngjs');

// Defaults: the MobileNetV2 embedder; run-inception.sh sets these for InceptionV3 (mixed7).
const NSFWJS_MODEL = process.env.NSFWJS_MODEL || 'mobilenet_v2';
const CUT_LAYER = process.env.CUT_LAYER || 'block_13_expand_relu';
const MODEL_ID = process.env.MODEL_ID || 'nsfwjs-mobilenetv2-b13';
const SIZE = parseInt(process.env.SIZE || '224', 10);

function parseArgs(argv) {
  const args = { work: null, pngs: [], random: 0 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--work') args.work = argv[++i];
    else if (a === '--png') {
      const spec = argv[++i];
      const idx = spec.lastIndexOf(':');
      if (idx < 0) throw new Error(`--png expects in.png:out.json, got ${spec}`);
      args.pngs.push({ png: spec.slice(0, idx), out: spec.slice(idx + 1) });
    } else if (a === '--random') args.random = parseInt(argv[++i], 10);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.work) throw new Error('--work DIR is required');
  return args;
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function pkgVersion(name) {
  // read the file directly: some packages' "exports" do not expose package.json
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
}

// nsfwjs' package.json "exports" hides dist/models, so resolve the files by path.
function nsfwjsModelDir() {
  const pkgJson = path.join(__dirname, 'node_modules', 'nsfwjs', 'package.json');
  if (!fs.existsSync(pkgJson)) throw new Error('node_modules/nsfwjs missing: run npm ci first');
  return path.join(path.dirname(pkgJson), 'dist', 'models', NSFWJS_MODEL);
}

async function loadModel(work) {
  const dir = nsfwjsModelDir();
  const modelFile = path.join(dir, 'model.min.js');
  const modelJson = require(modelFile); // UMD bundle exporting {modelTopology, weightsManifest}
  if (!modelJson.modelTopology || !modelJson.weightsManifest) throw new Error('unexpected model.min.js');

  const weightSpecs = [];
  const buffers = [];
  const files = [{ file: 'model.min.js', sha256: sha256(modelFile), bytes: fs.statSync(modelFile).size }];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      const shardFile = path.join(dir, `${p}.min.js`);
      const base64 = require(shardFile); // UMD bundle exporting the base64 string
      if (typeof base64 !== 'string') throw new Error(`unexpected ${shardFile}`);
      buffers.push(Buffer.from(base64, 'base64'));
      files.push({ file: `${p}.min.js`, sha256: sha256(shardFile), bytes: fs.statSync(shardFile).size });
    }
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);

  // Same path nsfwjs takes (its JSONHandler feeds these artifacts to tf.loadLayersModel);
  // TFJS dequantises the uint8 weights while loading.
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
  );

  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'topology.json'), JSON.stringify(modelJson.modelTopology, null, 1));
  fs.writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(modelJson.weightsManifest, null, 1));

  // Dump the dequantised weights exactly as TFJS holds them, keyed by Keras names ("Conv1/kernel").
  const index = [];
  const chunks = [];
  let offset = 0;
  for (const layer of model.layers) {
    const vals = layer.getWeights();
    layer.weights.forEach((w, i) => {
      const data = vals[i].dataSync();
      const name = w.originalName;
      const buf = Buffer.from(new Float32Array(data).buffer);
      index.push({ name, layer: layer.name, shape: vals[i].shape, offset, length: data.length });
      chunks.push(buf);
      offset += buf.length;
    });
  }
  fs.writeFileSync(path.join(work, 'weights.bin'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(work, 'weights.json'), JSON.stringify(index, null, 1));
  const sources = {
    package: 'nsfwjs',
    version: pkgVersion('nsfwjs'),
    dir: `node_modules/nsfwjs/dist/models/${NSFWJS_MODEL}`,
    files,
    tfjs: pkgVersion('@tensorflow/tfjs'),
    tfjsBackend: tf.getBackend(),
  };
  fs.writeFileSync(path.join(work, 'sources.json'), JSON.stringify(sources, null, 1));
  console.log(`extracted ${index.length} weight tensors (${offset} bytes float32) to ${work}`);
  return { model, sources };
}

function truncated(model) {
  const cut = model.getLayer(CUT_LAYER);
  return tf.model({ inputs: model.inputs, outputs: cut.output });
}

// [N,224,224,3] float32 NHWC in [0,1] -> [N,576] raw global-average-pooled features.
function features(trunk, nhwc) {
  return tf.tidy(() => tf.mean(trunk.predict(nhwc), [1, 2]));
}

// Decodes an 8-bit RGB PNG (no alpha) into NHWC floats = bytes / 255.
function readPng(file) {
  const png = PNG.sync.read(fs.readFileSync(file), { skipRescale: true });
  if (png.width !== SIZE || png.height !== SIZE) throw new Error(`${file}: expected ${SIZE}x${SIZE}`);
  if (png.depth !== 8 || png.colorType !== 2) {
    throw new Error(`${file}: expected 8-bit RGB (colorType 2), got depth ${png.depth} colorType ${png.colorType}`);
  }
  // pngjs always expands to RGBA in png.data
  const out = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0, j = 0; i < SIZE * SIZE; i++) {
    out[j++] = png.data[4 * i] / 255.0;
    out[j++] = png.data[4 * i + 1] / 255.0;
    out[j++] = png.data[4 * i + 2] / 255.0;
  }
  return out;
}

// Deterministic noise (mulberry32), so the random check needs no stored file.
function randomInput(n) {
  let a = 0x5eed1234;
  const next = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n * SIZE * SIZE * 3);
  for (let i = 0; i < out.length; i++) out[i] = next();
  return out;
}

async function main() {
  const args = parseArgs(process.argv);
  await tf.setBackend('cpu');
  await tf.ready();
  const { model, sources } = await loadModel(args.work);
  const trunk = truncated(model);
  const outShape = trunk.outputs[0].shape;
  console.log(`truncated at ${CUT_LAYER}: output ${JSON.stringify(outShape)}`);

  for (const { png, out } of args.pngs) {
    const pixels = readPng(png);
    const x = tf.tensor4d(pixels, [1, SIZE, SIZE, 3]);
    const t0 = Date.now();
    const f = features(trunk, x);
    const vals = Array.from(f.dataSync());
    const ms = Date.now() - t0;
    x.dispose();
    f.dispose();
    if (vals.length !== outShape[3]) throw new Error(`expected ${outShape[3]} features, got ${vals.length}`);
    const ref = {
      model: MODEL_ID,
      source:
        `tfjs ${sources.tfjs} (${sources.tfjsBackend} backend), nsfwjs ${sources.version} ${NSFWJS_MODEL} layers model, ` +
        `truncated at ${CUT_LAYER}, global average pool (mean over H,W), not L2-normalised`,
      input: path.basename(png),
      preprocessing: 'PNG 8-bit RGB bytes / 255.0, NHWC in TFJS (NCHW in ONNX), no mean/std',
      features: vals.map((v) => parseFloat(v.toPrecision(9))), // 9 significant digits round-trip float32
    };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(ref) + '\n');
    console.log(`${png} -> ${out} (${ms} ms in tfjs)`);
  }

  if (args.random > 0) {
    const n = args.random;
    const data = randomInput(n);
    const x = tf.tensor4d(data, [n, SIZE, SIZE, 3]);
    const f = features(trunk, x);
    fs.writeFileSync(path.join(args.work, 'random-input.bin'), Buffer.from(data.buffer));
    fs.writeFileSync(path.join(args.work, 'random-ref.bin'), Buffer.from(new Float32Array(f.dataSync()).buffer));
    x.dispose();
    f.dispose();
    console.log(`random batch of ${n} -> ${args.work}/random-{input,ref}.bin`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
