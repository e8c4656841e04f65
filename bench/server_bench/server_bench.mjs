// Benchmark of nnjourney-server: a full default training run (784-128-64-10, batch 64,
// 3 epochs, real MNIST) watched by 1 WebSocket client, then by 100 clients plus 1 client that
// never reads. Prints throughput and its ratio, server RSS growth, update latency p50/p99
// (server_time -> client receive) and /status requests per second while training.
//
// Usage: node server_bench.mjs --binary build/release/server/nnjourney-server --mnist DIR
//          [--viewers 100] [--repeats 3] [--status-seconds 1.2]
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import { median, now, percentile, request, rssMiB, sleep, startServer } from './benchlib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const BINARY = args.binary;
const MNIST = args.mnist || process.env.NNJ_MNIST_DIR;
const VIEWERS = Number(args.viewers || 100);
const REPEATS = Number(args.repeats || 3);
const STATUS_SECONDS = Number(args['status-seconds'] || 1.2); // a full run takes ~1.6 s
if (!BINARY || !MNIST) {
  console.error('usage: node server_bench.mjs --binary PATH/nnjourney-server --mnist MNIST_DIR');
  process.exit(2);
}


// CPU seconds of each server thread: { tid: seconds }.
function threadCpu(pid) {
  const ticks = 100; // USER_HZ
  const result = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result[tid] = (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch { /* thread ended */ }
  }
  return result;
}

const UPDATE_PREFIX = Buffer.from('{"type":"update"');
const SERVER_TIME = Buffer.from('"server_time":');
const COMPLETE = Buffer.from('"type":"training_complete"');

function openViewer(port, onUpdateLatency, onDone) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false, skipUTF8Validation: true });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('message', (data) => {
      const received = now();
      // Cheap field extraction on the raw bytes (no string conversion, no JSON.parse):
      // the client side must not be the bottleneck of what is measured.
      if (data.subarray(0, UPDATE_PREFIX.length).equals(UPDATE_PREFIX)) {
        const at = data.indexOf(SERVER_TIME);
        if (at >= 0) {
          const start = at + SERVER_TIME.length;
          const end = data.indexOf(44 /* , */, start);
          onUpdateLatency(received - Number(data.subarray(start, end).toString('latin1')));
        }
      } else if (data.indexOf(COMPLETE) >= 0) {
        const message = JSON.parse(data.toString());
        if (message.type === 'training_complete') onDone(message);
      }
    });
  });
}

// A WebSocket client that completes the handshake and then never reads a byte.
function openStalled(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      socket.once('data', () => { socket.pause(); resolve(socket); });
    });
    socket.closedByServer = false;
    socket.on('close', () => { socket.closedByServer = true; });
    socket.on('error', () => {});
  });
}

async function trainingRun(server, viewerCount, withStalled) {
  console.error(`run: ${viewerCount} viewer(s)${withStalled ? ' + 1 stalled' : ''}`);
  const latencies = [];
  let completes = 0;
  let finalStats = null;
  let firstComplete = 0;
  const viewers = [];
  for (let i = 0; i < viewerCount; ++i) {
    viewers.push(await openViewer(server.port, (ms) => latencies.push(ms), (message) => {
      completes += 1;
      if (completes === 1) firstComplete = now();
      finalStats = message.final_stats;
    }));
  }
  const stalled = withStalled ? await openStalled(server.port) : null;
  await sleep(300);
  const rssBefore = rssMiB(server.child.pid);
  let rssPeak = rssBefore;
  const lastCpu = {}; // threads that end during the run keep their last reading
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(server.child.pid));
    Object.assign(lastCpu, threadCpu(server.child.pid));
  }, 50);
  const cpuBefore = threadCpu(server.child.pid);
  const clientCpuBefore = process.cpuUsage();
  const start = now();
  const started = await request(server.port, 'POST', '/start-training');
  if (!started.body.includes('started')) throw new Error(`start failed: ${started.body}`);
  const giveUp = now() + 300000;
  while (completes < viewerCount) {
    if (now() > giveUp) throw new Error(`only ${completes} of ${viewerCount} viewers saw training_complete`);
    await sleep(5);
  }
  const allSeconds = (now() - start) / 1000;
  const seconds = (firstComplete - start) / 1000;
  clearInterval(sampler);
  const cpuAfter = Object.assign(lastCpu, threadCpu(server.child.pid));
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const mainTid = String(server.child.pid);
  const mainCpu = (cpuAfter[mainTid] || 0) - (cpuBefore[mainTid] || 0);
  let trainerCpu = 0;
  for (const [tid, cpu] of Object.entries(cpuAfter)) {
    if (tid !== mainTid) trainerCpu = Math.max(trainerCpu, cpu - (cpuBefore[tid] || 0));
  }
  await sleep(200);
  const result = {
    viewers: viewerCount, stalled: withStalled, seconds, allSeconds, mainCpu, trainerCpu,
    clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
    samplesPerSecond: (60000 * finalStats.epochs) / seconds,
    trainSeconds: finalStats.train_seconds, testAccuracy: finalStats.test_accuracy,
    rssBefore, rssPeak, rssAfter: rssMiB(server.child.pid), latencies,
    updates: latencies.length, stalledDropped: stalled ? stalled.closedByServer : null,
  };
  for (const ws of viewers) ws.terminate();
  if (stalled) stalled.destroy();
  await sleep(300);
  return result;
}

async function statusRate(server) {
  console.error('run: /status rate under training');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  await request(server.port, 'POST', '/set-speed?mode=narrated'); // a run that lasts: 200 ms between batches
  const started = await request(server.port, 'POST', '/start-training');
  if (!started.body.includes('started')) throw new Error(`start failed: ${started.body}`);
  await request(server.port, 'POST', '/set-batch-delay?ms=0'); // now train flat out
  let count = 0;
  const deadline = now() + STATUS_SECONDS * 1000;
  const worker = async () => {
    while (now() < deadline) {
      const response = await request(server.port, 'GET', '/status', agent);
      if (response.status === 200) count += 1;
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: 8 }, worker));
  const elapsed = (now() - t0) / 1000;
  const training = JSON.parse((await request(server.port, 'GET', '/status')).body).training;
  await request(server.port, 'POST', '/stop-training');
  agent.destroy();
  return { rps: count / elapsed, stillTraining: training };
}

const server = await startServer(BINARY, MNIST, 'nnj-bench-');
try {
  await request(server.port, 'POST', '/set-teaching-mode?enabled=false');
  const rssStart = rssMiB(server.child.pid);
  const solo = [];
  const crowd = [];
  // Warm-up run (loads MNIST, faults pages in), not counted.
  await trainingRun(server, 1, false);
  for (let i = 0; i < REPEATS; ++i) {
    solo.push(await trainingRun(server, 1, false));
    crowd.push(await trainingRun(server, VIEWERS, true));
  }
  const status = await statusRate(server);
  const rssEnd = rssMiB(server.child.pid);

  const soloRate = median(solo.map((r) => r.samplesPerSecond));
  const crowdRate = median(crowd.map((r) => r.samplesPerSecond));
  const soloLatency = solo.flatMap((r) => r.latencies);
  const crowdLatency = crowd.flatMap((r) => r.latencies);
  const growth = Math.max(...crowd.map((r) => r.rssPeak - r.rssBefore));
  const fmt = (x, digits = 1) => Number(x).toFixed(digits);
  console.log(`nnjourney-server benchmark: default run (784-128-64-10, batch 64, 3 epochs, real MNIST), ${REPEATS} repeats, median`);
  console.log(`CPU: ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('throughput = 3 x 60000 samples / (start request -> first training_complete), wall clock');
  for (const [name, runs] of [['1 viewer', solo], [`${VIEWERS} viewers + 1 stalled`, crowd]]) {
    for (const r of runs) {
      console.log(`  ${name.padEnd(24)} wall ${fmt(r.seconds, 2)} s  ${fmt(r.samplesPerSecond, 0)} samples/s  `
        + `(pure training ${fmt(r.trainSeconds, 2)} s)  test acc ${fmt(100 * r.testAccuracy, 2)}%  `
        + `updates received ${r.updates}  RSS ${fmt(r.rssBefore)} -> peak ${fmt(r.rssPeak)} MiB  `
        + `CPU s: trainer ${fmt(r.trainerCpu, 2)} server main ${fmt(r.mainCpu, 2)} bench client ${fmt(r.clientCpu, 2)}  `
        + `all viewers done ${fmt(r.allSeconds, 2)} s`
        + (r.stalled ? `  stalled client dropped: ${r.stalledDropped}` : ''));
    }
  }
  console.log(`throughput solo            ${fmt(soloRate, 0)} samples/s`);
  console.log(`throughput ${VIEWERS}+1 stalled     ${fmt(crowdRate, 0)} samples/s`);
  console.log(`throughput ratio           ${fmt(100 * crowdRate / soloRate)} %   (target >= 90 %)`);
  console.log(`RSS growth during a ${VIEWERS}+1 run ${fmt(growth)} MiB (max over runs; target < 64 MB); whole bench ${fmt(rssStart)} -> ${fmt(rssEnd)} MiB`);
  console.log(`update latency solo        p50 ${fmt(percentile(soloLatency, 50), 2)} ms  p99 ${fmt(percentile(soloLatency, 99), 2)} ms  (${soloLatency.length} updates)`);
  console.log(`update latency ${VIEWERS}+1       p50 ${fmt(percentile(crowdLatency, 50), 2)} ms  p99 ${fmt(percentile(crowdLatency, 99), 2)} ms  (${crowdLatency.length} updates; target p99 < 50 ms)`);
  console.log(`/status under training     ${fmt(status.rps, 0)} requests/s (8 keep-alive connections, ${STATUS_SECONDS} s; still training: ${status.stillTraining})`);
} finally {
  server.child.kill('SIGTERM');
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
