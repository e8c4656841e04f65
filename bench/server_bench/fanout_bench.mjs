// Fan-out benchmark of nnjourney-server: how a classroom's viewers load the server and the
// Wi-Fi. For 30, 100 and 300 WebSocket viewers, each with the JSON and with the binary wire:
//  - bytes each viewer receives per second at the default pace (Normal speed), over a window;
//  - the weights sync (training_complete) size per viewer;
//  - update latency p50/p99 (server_time stamped on the trainer thread -> client receive);
//  - server CPU (all threads) and peak RSS while the viewers watch;
//  - the training speed ratio: a full default run at Fast speed watched by the N viewers vs by
//    1 JSON viewer, the runs interleaved, median of --repeats.
// Viewers connect from distinct loopback addresses (127.1.x.y), as a classroom's laptops do:
// the server caps sessions per address. The server is started with --max-connections 1000 (the
// default 256 is for a classroom, not a lecture hall).
//
// Usage: node fanout_bench.mjs --binary build/release/server/nnjourney-server --mnist DIR
//          [--viewers 30,100,300] [--repeats 3] [--window 6]
import fs from 'node:fs';
import os from 'node:os';
import WebSocket from 'ws';
import { median, now, percentile, request, rssMiB, sleep, startServer } from './benchlib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const BINARY = args.binary;
const MNIST = args.mnist || process.env.NNJ_MNIST_DIR;
const COUNTS = String(args.viewers || '30,100,300').split(',').map(Number);
const REPEATS = Number(args.repeats || 3);
const WINDOW_SECONDS = Number(args.window || 6);
if (!BINARY || !MNIST) {
  console.error('usage: node fanout_bench.mjs --binary PATH/nnjourney-server --mnist MNIST_DIR');
  process.exit(2);
}

const fmt = (x, digits = 1) => Number(x).toFixed(digits);

function processCpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ 100
}

const UPDATE_PREFIX = Buffer.from('{"type":"update"');
const SERVER_TIME = Buffer.from('"server_time":');
const COMPLETE = Buffer.from('"type":"training_complete"');
const MAGIC = Buffer.from('NJB\x01', 'latin1');

// One viewer: counts every byte it receives; reads update times from the raw bytes (JSON) or
// from the frame's JSON header (binary), so the client is not what is measured.
function openViewer(port, index, wire, sink) {
  return new Promise((resolve, reject) => {
    const localAddress = `127.1.${Math.floor(index / 200)}.${(index % 200) + 1}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false, skipUTF8Validation: true, localAddress });
    ws.bytes = 0;
    ws.on('open', () => {
      if (wire === 'binary') ws.send(JSON.stringify({ type: 'hello', wire: 'binary' }));
      resolve(ws);
    });
    ws.on('error', reject);
    ws.on('message', (data, isBinary) => {
      const received = now();
      ws.bytes += data.length;
      let header = null;
      if (isBinary && data.subarray(0, 4).equals(MAGIC)) {
        header = data.subarray(8, 8 + data.readUInt32LE(4));
      } else if (!isBinary) {
        header = data;
      }
      if (!header) return;
      if (header.subarray(0, UPDATE_PREFIX.length).equals(UPDATE_PREFIX)) {
        const at = header.indexOf(SERVER_TIME);
        if (at >= 0) {
          const start = at + SERVER_TIME.length;
          let end = start;
          while (end < header.length && header[end] !== 44 && header[end] !== 125) end += 1;
          sink.latency(received - Number(header.subarray(start, end).toString('latin1')));
        }
        sink.updates += 1;
      } else if (header.indexOf(COMPLETE) >= 0) {
        sink.complete(data.length);
      }
    });
  });
}

async function openViewers(port, count, wire, sink) {
  const viewers = [];
  for (let i = 0; i < count; i += 20) {
    viewers.push(...await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => openViewer(port, i + k, wire, sink))));
  }
  await sleep(500); // the hello of every binary viewer has arrived
  return viewers;
}

function newSink() {
  const sink = { latencies: [], updates: 0, completes: 0, completeBytes: 0, firstComplete: 0 };
  sink.latency = (ms) => sink.latencies.push(ms);
  sink.complete = (bytes) => {
    sink.completes += 1;
    sink.completeBytes = Math.max(sink.completeBytes, bytes);
    if (sink.completes === 1) sink.firstComplete = now();
  };
  return sink;
}

// A full default run at Fast speed watched by `count` viewers: throughput and latency.
async function fastRun(server, count, wire) {
  const sink = newSink();
  const viewers = await openViewers(server.port, count, wire, sink);
  await request(server.port, 'POST', '/set-speed?mode=fast');
  const cpu0 = processCpuSeconds(server.child.pid);
  const rss0 = rssMiB(server.child.pid);
  let rssPeak = rss0;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssMiB(server.child.pid)); }, 50);
  const start = now();
  const started = await request(server.port, 'POST', '/start-training');
  if (!started.body.includes('started')) throw new Error(`start failed: ${started.body}`);
  const giveUp = now() + 300000;
  while (sink.completes < count) {
    if (now() > giveUp) throw new Error(`only ${sink.completes} of ${count} viewers saw training_complete`);
    await sleep(5);
  }
  clearInterval(sampler);
  const seconds = (sink.firstComplete - start) / 1000;
  const result = {
    samplesPerSecond: 180000 / seconds, latencies: sink.latencies, cpu: processCpuSeconds(server.child.pid) - cpu0,
    rssGrowth: rssPeak - rss0, weightsBytes: sink.completeBytes,
  };
  for (const ws of viewers) ws.terminate();
  await sleep(300);
  return result;
}

// `count` viewers watch WINDOW_SECONDS of a run at the default pace (Normal speed).
async function paceWindow(server, count, wire) {
  const sink = newSink();
  const viewers = await openViewers(server.port, count, wire, sink);
  await request(server.port, 'POST', '/set-speed?mode=normal');
  const started = await request(server.port, 'POST', '/start-training');
  if (!started.body.includes('started')) throw new Error(`start failed: ${started.body}`);
  await sleep(1000);
  const bytes0 = viewers.reduce((sum, ws) => sum + ws.bytes, 0);
  const updates0 = sink.updates;
  const latency0 = sink.latencies.length;
  const cpu0 = processCpuSeconds(server.child.pid);
  const t0 = now();
  await sleep(WINDOW_SECONDS * 1000);
  const elapsed = (now() - t0) / 1000;
  const bytes = viewers.reduce((sum, ws) => sum + ws.bytes, 0) - bytes0;
  const result = {
    bytesPerViewerPerSecond: bytes / count / elapsed,
    updatesPerViewerPerSecond: (sink.updates - updates0) / count / elapsed,
    bytesPerUpdate: bytes / Math.max(1, sink.updates - updates0),
    cpuPerSecond: (processCpuSeconds(server.child.pid) - cpu0) / elapsed,
    latencies: sink.latencies.slice(latency0),
    rss: rssMiB(server.child.pid),
  };
  await request(server.port, 'POST', '/stop-training');
  for (const ws of viewers) ws.terminate();
  await sleep(500);
  return result;
}

const server = await startServer(BINARY, MNIST, 'nnj-fanout-', ['--max-connections', '1000']);
try {
  await request(server.port, 'POST', '/set-teaching-mode?enabled=false');
  await fastRun(server, 1, 'json'); // warm-up: loads MNIST, faults pages in
  const rows = [];
  for (const count of COUNTS) {
    for (const wire of ['json', 'binary']) {
      console.error(`fan-out: ${count} viewers, ${wire}`);
      const solo = [], crowd = [];
      for (let i = 0; i < REPEATS; ++i) { // interleaved: solo, crowd, solo, crowd ...
        solo.push(await fastRun(server, 1, 'json'));
        crowd.push(await fastRun(server, count, wire));
      }
      const pace = await paceWindow(server, count, wire);
      rows.push({ count, wire, solo, crowd, pace });
    }
  }
  console.log('nnjourney-server fan-out benchmark: default network 784-128-64-10, real MNIST');
  console.log(`CPU: ${os.cpus()[0].model} x${os.cpus().length} (server and viewers on the same cores), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`bytes/viewer/s, updates/s and server CPU: ${WINDOW_SECONDS} s of a run at Normal speed; speed ratio: a full run at Fast speed with N viewers / with 1 JSON viewer, interleaved, median of ${REPEATS}`);
  console.log('| viewers | wire | KiB/viewer/s | updates/s | bytes/update | weights sync | latency p50 / p99 (Normal) | latency p99 (Fast) | server CPU (cores, Normal) | RSS MiB | RSS growth (Fast) | training speed |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { count, wire, solo, crowd, pace } of rows) {
    const ratio = median(crowd.map((r) => r.samplesPerSecond)) / median(solo.map((r) => r.samplesPerSecond));
    const fastLatency = crowd.flatMap((r) => r.latencies);
    console.log(`| ${count} | ${wire} | ${fmt(pace.bytesPerViewerPerSecond / 1024)} | ${fmt(pace.updatesPerViewerPerSecond)} | `
      + `${fmt(pace.bytesPerUpdate, 0)} | ${fmt(crowd[0].weightsBytes / 1024)} KiB | ${fmt(percentile(pace.latencies, 50), 1)} / ${fmt(percentile(pace.latencies, 99), 1)} ms | `
      + `${fmt(percentile(fastLatency, 99), 1)} ms | ${fmt(pace.cpuPerSecond, 2)} | ${fmt(pace.rss)} | ${fmt(Math.max(...crowd.map((r) => r.rssGrowth)))} | ${fmt(100 * ratio)} % |`);
  }
} finally {
  server.child.kill('SIGTERM');
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
