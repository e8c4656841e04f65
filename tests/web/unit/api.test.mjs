// The client's connection handling: URL building, backoff, automatic reconnect after the socket
// closes (server restart), the ping watchdog, bad frames, and HTTP error handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, backoffDelay, webSocketUrl, RECONNECT_MAX_MS } from '../../../resources/web/api.js';

class FakeTimers {
	constructor() { this.now = 0; this.queue = []; this.nextId = 1; }
	setTimeout( fn, ms ) { const id = this.nextId++; this.queue.push( { id, at: this.now + ms, fn } ); return id; }
	setInterval( fn, ms ) { const id = this.nextId++; const tick = () => { fn(); this.queue.push( { id, at: this.now + ms, fn: tick } ); };
		this.queue.push( { id, at: this.now + ms, fn: tick } ); return id; }
	clearTimeout( id ) { this.queue = this.queue.filter( ( t ) => t.id !== id ); }
	clearInterval( id ) { this.clearTimeout( id ); }
	advance( ms ) {
		const end = this.now + ms;
		for ( ;; ) {
			this.queue.sort( ( a, b ) => a.at - b.at );
			const next = this.queue[ 0 ];
			if ( ! next || next.at > end ) break;
			this.queue.shift();
			this.now = next.at;
			next.fn();
		}
		this.now = end;
	}
}

function fakeSocketClass() {
	const sockets = [];
	class FakeSocket {
		constructor( url ) { this.url = url; this.readyState = 0; this.sent = []; sockets.push( this ); }
		send( text ) { this.sent.push( JSON.parse( text ) ); }
		close() { if ( this.readyState === 3 ) return; this.readyState = 3; this.onclose?.(); }
		serverOpen() { this.readyState = 1; this.onopen?.(); }
		serverSend( data ) { this.onmessage?.( { data: typeof data === 'string' ? data : JSON.stringify( data ) } ); }
	}
	return { FakeSocket, sockets };
}

test( 'WebSocket URL follows the page and carries the token', () => {
	assert.equal( webSocketUrl( 'http://10.0.0.5:8000/?token=abc#x', null ), 'ws://10.0.0.5:8000/ws' );
	assert.equal( webSocketUrl( 'https://demo.example/app/', 'a b&c' ), 'wss://demo.example/ws?token=a%20b%26c' );
} );

test( 'backoff doubles from 0.5 s and is capped', () => {
	assert.deepEqual( [ 0, 1, 2, 3 ].map( backoffDelay ), [ 500, 1000, 2000, 4000 ] );
	assert.equal( backoffDelay( 20 ), RECONNECT_MAX_MS );
} );

test( 'reconnects with backoff after the server goes away, and resets after success', () => {
	const timers = new FakeTimers();
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers } );
	const statuses = [];
	const messages = [];
	client.on( 'status', ( s ) => statuses.push( s ) );
	client.on( 'message', ( m ) => messages.push( m ) );
	client.connect();
	assert.equal( sockets.length, 1 );
	sockets[ 0 ].serverOpen();
	assert.equal( client.state, 'connected' );
	sockets[ 0 ].serverSend( { type: 'connected', status: 'ready' } );
	assert.equal( messages[ 0 ].type, 'connected' );

	sockets[ 0 ].close(); // server restart
	assert.equal( client.state, 'disconnected' );
	assert.equal( statuses.at( - 1 ).retryInMs, 500 );
	timers.advance( 499 );
	assert.equal( sockets.length, 1, 'waits for the backoff' );
	timers.advance( 1 );
	assert.equal( sockets.length, 2 );
	sockets[ 1 ].close(); // still down
	assert.equal( statuses.at( - 1 ).retryInMs, 1000 );
	timers.advance( 1000 );
	assert.equal( sockets.length, 3 );
	sockets[ 2 ].serverOpen();
	assert.equal( client.state, 'connected' );
	sockets[ 2 ].close();
	assert.equal( statuses.at( - 1 ).retryInMs, 500, 'a success resets the backoff' );

	client.close();
	timers.advance( 60000 );
	assert.equal( sockets.length, 3, 'no reconnect after close()' );
} );

test( 'the watchdog closes a silent connection so it gets re-established', () => {
	const timers = new FakeTimers();
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers } );
	client.connect();
	sockets[ 0 ].serverOpen();
	timers.advance( 15000 );
	assert.deepEqual( sockets[ 0 ].sent, [ { type: 'ping' } ] );
	sockets[ 0 ].serverSend( { type: 'pong' } );
	timers.advance( 15000 );
	assert.equal( sockets[ 0 ].readyState, 1, 'answered pings keep the link' );
	timers.advance( 10000 ); // second ping unanswered
	assert.equal( sockets[ 0 ].readyState, 3 );
	timers.advance( 500 );
	assert.equal( sockets.length, 2 );
} );

test( 'bad frames are reported, not thrown', () => {
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers: new FakeTimers() } );
	const errors = [];
	client.on( 'protocol-error', ( e ) => errors.push( e.message ) );
	client.connect();
	sockets[ 0 ].serverOpen();
	sockets[ 0 ].serverSend( 'not json' );
	sockets[ 0 ].serverSend( '[1,2]' );
	assert.equal( errors.length, 2 );
	assert.match( errors[ 0 ], /not JSON/ );
	assert.match( errors[ 1 ], /without a "type"/ );
} );

test( 'HTTP commands: token header, JSON errors, network failure', async () => {
	const calls = [];
	const responses = [
		{ ok: true, status: 200, text: async () => '{"status":"busy","message":"Training already in progress"}' },
		{ ok: false, status: 400, text: async () => '{"status":"error","message":"lr must be finite"}' },
		{ ok: false, status: 502, text: async () => '<html>bad gateway</html>' },
	];
	const fetchImpl = async ( url, init ) => {
		calls.push( { url, init } );
		if ( ! responses.length ) throw new Error( 'connection refused' );
		return responses.shift();
	};
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', token: 'secret', fetchImpl } );
	let r = await client.startTraining();
	assert.equal( r.ok, false, 'busy is a refusal even with HTTP 200' );
	assert.equal( r.data.status, 'busy' );
	assert.equal( calls[ 0 ].init.headers.Authorization, 'Bearer secret' );
	assert.equal( calls[ 0 ].init.method, 'POST' );
	r = await client.setLearningRate( 0.005 );
	assert.equal( calls[ 1 ].url, 'http://127.0.0.1:8000/set-learning-rate?lr=0.005' );
	assert.equal( r.ok, false );
	assert.equal( r.data.message, 'lr must be finite' );
	r = await client.setArchitecture( [ 784, 10 ], [] );
	assert.equal( r.ok, false );
	assert.match( r.data.message, /non-JSON \(HTTP 502\)/ );
	assert.deepEqual( JSON.parse( calls[ 2 ].init.body ), { layers: [ 784, 10 ], activations: [] } );
	r = await client.getWeights();
	assert.equal( r.status, 0 );
	assert.match( r.data.message, /server unreachable: connection refused/ );
} );

test( '/get-weights before any training: HTTP 200 with status "error" means no weights yet, not a failure', async () => {
	const answers = [
		'{"status":"error","message":"No network available"}',
		'{"status":"ok","weights":[{"type":"Dense","weights":[[1]],"bias":[[0]],"inputSize":1,"outputSize":1}]}',
	];
	const fetchImpl = async () => ( { ok: true, status: 200, text: async () => answers.shift() } );
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', fetchImpl } );
	let r = await client.getWeights();
	assert.equal( r.ok, false, 'an "error" answer is not weights, whatever the HTTP status' );
	assert.equal( r.status, 200 );
	assert.equal( r.data.message, 'No network available' );
	assert.equal( r.data.weights, undefined );
	r = await client.getWeights();
	assert.equal( r.ok, true );
	assert.equal( r.data.weights.length, 1 );
} );

test( 'the default fetch is not called as a method of the client (browsers throw "Illegal invocation")', async () => {
	const original = globalThis.fetch;
	globalThis.fetch = function ( url ) {
		if ( this !== undefined && this !== globalThis ) throw new TypeError( 'Illegal invocation' );
		return Promise.resolve( { ok: true, status: 200, text: async () => `{"status":"ok","url":"${url}"}` } );
	};
	try {
		const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/' } );
		const r = await client.startTraining();
		assert.equal( r.ok, true, JSON.stringify( r.data ) );
	} finally {
		globalThis.fetch = original;
	}
} );

test( 'takes over the socket the page opened early, replaying what it received in order', () => {
	const timers = new FakeTimers();
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/?token=t', token: 't', WebSocketImpl: FakeSocket, timers } );
	const early = new FakeSocket( webSocketUrl( 'http://127.0.0.1:8000/', 't' ) );
	early.readyState = 1;
	const statuses = [];
	const messages = [];
	client.on( 'status', ( s ) => statuses.push( s.state ) );
	client.on( 'message', ( m ) => messages.push( m.type ) );
	client.connect( { socket: early, url: early.url, messages: [ '{"type":"connected"}', '{"type":"state"}' ], closed: false } );
	assert.equal( sockets.length, 1, 'no second socket' );
	assert.deepEqual( statuses, [ 'connected' ] );
	early.serverSend( { type: 'update' } );
	assert.deepEqual( messages, [ 'connected', 'state', 'update' ] );
	early.close(); // and it reconnects like any other socket
	timers.advance( 600 );
	assert.equal( sockets.length, 2 );
} );

test( 'an early socket for another URL, or closed, is replaced by a fresh one', () => {
	const timers = new FakeTimers();
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers } );
	const early = new FakeSocket( 'ws://127.0.0.1:8000/ws?token=other' );
	client.connect( { socket: early, url: early.url, messages: [], closed: false } );
	assert.equal( early.readyState, 3, 'the foreign socket is closed' );
	assert.equal( sockets.length, 2 );
	assert.equal( sockets[ 1 ].url, 'ws://127.0.0.1:8000/ws' );
} );

test( 'the journey commands: per-moment switches, a custom pace, the glossary and the journey', async () => {
	const calls = [];
	const fetchImpl = async ( url, init ) => {
		calls.push( { url, init } );
		return { ok: true, status: 200, text: async () => '{"status":"updated"}' };
	};
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', fetchImpl } );
	await client.setTeachingMoments( { plateau: false, divergence: true } );
	await client.setPace( 12 );
	await client.getGlossary();
	await client.getJourney();
	assert.equal( calls[ 0 ].url, 'http://127.0.0.1:8000/set-teaching-moments?plateau=off&divergence=on' );
	assert.equal( calls[ 0 ].init.method, 'POST' );
	assert.equal( calls[ 1 ].url, 'http://127.0.0.1:8000/set-pace?batches_per_second=12' );
	assert.deepEqual( calls.slice( 2 ).map( ( c ) => [ c.init.method, c.url ] ),
		[ [ 'GET', 'http://127.0.0.1:8000/api/glossary' ], [ 'GET', 'http://127.0.0.1:8000/api/journey' ] ] );
} );

test( 'the binary wire: hello on open, binary frames decoded like JSON ones, bad frames reported', () => {
	const { FakeSocket, sockets } = fakeSocketClass();
	const client = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers: new FakeTimers(), wire: 'binary' } );
	const messages = [];
	const errors = [];
	client.on( 'message', ( m ) => messages.push( m ) );
	client.on( 'protocol-error', ( e ) => errors.push( e ) );
	client.connect();
	assert.equal( sockets[ 0 ].binaryType, 'arraybuffer' );
	sockets[ 0 ].serverOpen();
	assert.deepEqual( sockets[ 0 ].sent[ 0 ], { type: 'hello', wire: 'binary' } );
	// {"type":"update","seq":3,"arrays":["activations"]} + one group of one float32 array [0.5]
	const header = Buffer.from( '{"type":"update","seq":3,"arrays":["activations"]}' );
	const frame = Buffer.alloc( 8 + header.length + 2 + 5 + 4 );
	frame.write( 'NJB\x01', 0, 'latin1' );
	frame.writeUInt32LE( header.length, 4 );
	header.copy( frame, 8 );
	const at = 8 + header.length;
	frame.writeUInt16LE( 1, at );
	frame.writeUInt32LE( 1, at + 2 );
	frame.writeUInt8( 4, at + 6 );
	frame.writeFloatLE( 0.5, at + 7 );
	sockets[ 0 ].onmessage( { data: frame.buffer.slice( frame.byteOffset, frame.byteOffset + frame.length ) } );
	assert.deepEqual( messages.at( - 1 ), { type: 'update', seq: 3, activations: [ [ 0.5 ] ] } );
	sockets[ 0 ].onmessage( { data: new Uint8Array( [ 1, 2, 3 ] ).buffer } );
	assert.match( errors.at( - 1 ).message, /binary frame/ );

	const jsonOnly = new ApiClient( { pageUrl: 'http://127.0.0.1:8000/', WebSocketImpl: FakeSocket, timers: new FakeTimers() } );
	jsonOnly.connect();
	sockets[ 1 ].serverOpen();
	assert.equal( sockets[ 1 ].sent.length, 0, 'JSON is the default: no hello needed' );
} );
