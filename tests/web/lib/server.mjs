// Starts a real nnjourney-server (NNJ_SERVER_BIN) on a free port with a fresh data directory
// whose mnist/ folder links the real MNIST files from NNJ_MNIST_DIR. Waits until /health
// answers. Missing binary or data: skip, except under CI where that is a failure.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

export const TOKEN = 'e2e-join-token-0123456789abcdef';
const MNIST_FILES = [ 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte' ];

export function artifactsDir() {
	const dir = process.env.NNJ_WEB_ARTIFACTS ?? join( tmpdir(), 'nnj-web-artifacts' );
	mkdirSync( dir, { recursive: true } );
	return dir;
}

// Why the tests cannot run here, or null. Under CI a missing prerequisite fails instead of skipping.
export function missingPrerequisite( { needMnist } ) {
	const bin = process.env.NNJ_SERVER_BIN;
	let reason = null;
	if ( ! bin || ! existsSync( bin ) ) reason = `NNJ_SERVER_BIN is not an executable (${bin})`;
	else if ( needMnist && ! mnistDirectory() ) reason = 'NNJ_MNIST_DIR does not hold the four MNIST IDX files';
	if ( reason && process.env.CI ) throw new Error( `${reason}; CI must provide it` );
	return reason;
}

function mnistDirectory() {
	const dir = process.env.NNJ_MNIST_DIR;
	if ( ! dir ) return null;
	const complete = MNIST_FILES.every( ( f ) => existsSync( join( dir, f ) ) || existsSync( join( dir, `${f}.gz` ) ) );
	return complete ? dir : null;
}

async function freePort() {
	return new Promise( ( resolve, reject ) => {
		const probe = createServer();
		probe.once( 'error', reject );
		probe.listen( 0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close( () => resolve( port ) );
		} );
	} );
}

// The first non-loopback IPv4 address: a page loaded through it is not "local", so it is a viewer.
export function lanAddress() {
	for ( const addresses of Object.values( networkInterfaces() ) ) {
		for ( const a of addresses ?? [] ) if ( a.family === 'IPv4' && ! a.internal ) return a.address;
	}
	return null;
}

/**
 * Starts the server. options.lan: listen on all interfaces (for the viewer test).
 * Returns {url, port, dataDir, process, stop(), restart()}.
 */
export async function startServer( { lan = false, name = 'server', mnist = true } = {} ) {
	const dataDir = mkdtempSync( join( tmpdir(), 'nnj-web-data-' ) );
	if ( mnist ) {
		const source = mnistDirectory();
		mkdirSync( join( dataDir, 'mnist' ) );
		for ( const f of MNIST_FILES ) {
			const file = existsSync( join( source, f ) ) ? f : `${f}.gz`;
			symlinkSync( join( source, file ), join( dataDir, 'mnist', file ) );
		}
	}
	const port = await freePort();
	const handle = { port, dataDir, url: `http://127.0.0.1:${port}/`, process: null };
	const log = join( artifactsDir(), `${name}.log` );
	handle.start = async () => {
		const out = openSync( log, 'a' );
		const args = [ '--port', String( port ), '--data-dir', dataDir, '--token', TOKEN, '--no-download' ];
		if ( lan ) args.push( '--lan' );
		handle.process = spawn( process.env.NNJ_SERVER_BIN, args, { stdio: [ 'ignore', out, out ] } );
		handle.exited = new Promise( ( resolve ) => handle.process.once( 'exit', resolve ) );
		await waitForHealth( handle, log );
	};
	handle.stop = async () => {
		if ( ! handle.process || handle.process.exitCode !== null ) return;
		handle.process.kill( 'SIGTERM' );
		const timer = setTimeout( () => handle.process.kill( 'SIGKILL' ), 5000 );
		await handle.exited;
		clearTimeout( timer );
	};
	handle.dispose = async () => {
		await handle.stop();
		rmSync( dataDir, { recursive: true, force: true } );
	};
	await handle.start();
	return handle;
}

async function waitForHealth( handle, log ) {
	const deadline = Date.now() + 20000;
	while ( Date.now() < deadline ) {
		if ( handle.process.exitCode !== null ) throw new Error( `nnjourney-server exited with ${handle.process.exitCode}; see ${log}` );
		try {
			const response = await fetch( `${handle.url}health` );
			if ( response.ok ) return;
		} catch { /* not listening yet */ }
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
	}
	throw new Error( `nnjourney-server did not answer /health within 20 s; see ${log}` );
}

// POST/GET helpers for driving the server from the test (as a loopback controller).
export async function api( server, method, path, body ) {
	const response = await fetch( new URL( path, server.url ), { method,
		headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify( body ) : undefined } );
	const text = await response.text();
	let data;
	try {
		data = JSON.parse( text );
	} catch {
		data = { raw: text };
	}
	return { status: response.status, data };
}
