// DEVELOPMENT ONLY: a stand-in for nnjourney-server that serves resources/web (with the npm
// libraries from resources/web/node_modules) and streams protocol-shaped messages with made-up
// numbers, to work on the page's look without the C++ build. The tests never use it: the
// end-to-end tests run against the real server. Usage: node tests/web/dev/mock-server.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const root = fileURLToPath( new URL( '../../../resources/web/', import.meta.url ) );
const VENDOR = {
	'three.module.js': 'node_modules/three/build/three.module.js',
	'three.core.js': 'node_modules/three/build/three.core.js',
	'addons/controls/OrbitControls.js': 'node_modules/three/examples/jsm/controls/OrbitControls.js',
	'uPlot.esm.js': 'node_modules/uplot/dist/uPlot.esm.js',
	'uPlot.min.css': 'node_modules/uplot/dist/uPlot.min.css',
};
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
const sizes = [ 784, 128, 64, 10 ];
let training = false, epoch = 1, batch = 0, seq = 0, loss = 2.3;
const history = { loss: [], accuracy: [], test_loss: [], test_accuracy: [], stride: 1 };
const perEpoch = 938;

const random = ( n, scale = 1 ) => Array.from( { length: n }, () => Math.random() * scale );
function weights() {
	const list = [];
	for ( let d = 1; d < sizes.length; ++ d ) {
		list.push( { type: 'Dense', weights: Array.from( { length: sizes[ d - 1 ] }, () => random( sizes[ d ], 0.2 ).map( ( w ) => w - 0.1 ) ),
			bias: random( sizes[ d ], 0.01 ), inputSize: sizes[ d - 1 ], outputSize: sizes[ d ] } );
		list.push( { type: d === sizes.length - 1 ? 'Softmax' : 'ReLU' } );
	}
	return list;
}
const WEIGHTS = weights();
function update() {
	const out = random( 10 );
	const sum = out.reduce( ( a, b ) => a + b );
	const digit = Math.floor( Math.random() * 10 );
	const image = new Array( 784 ).fill( 0 ).map( ( _, k ) => ( Math.hypot( k % 28 - 14, Math.floor( k / 28 ) - 14 ) < 8 && Math.hypot( k % 28 - 14, Math.floor( k / 28 ) - 14 ) > 5 ? 1 : 0 ) );
	return { type: 'update', stats: { epoch, batch, batches_per_epoch: perEpoch, epochs: 3, loss, accuracy: 1 - loss / 2.5, learning_rate: 0.01 },
		activations: [ image, random( 128, 3 ), random( 64, 3 ), out.map( ( v ) => v / sum ) ],
		gradients: [ random( 128, 0.01 ), random( 64, 0.02 ), random( 10, 0.1 ) ], layer_gradients: [ 0.005 * loss, 0.01 * loss, 0.05 * loss ],
		label: digit, prediction: digit, seq: ++ seq, server_time: Date.now() };
}
function state() {
	return { type: 'state', training, paused: false, architecture: sizes, activations_names: [ 'relu', 'relu' ],
		settings: { learning_rate: 0.01, batch_delay: 0, batch_size: 64, epochs: 3, teaching_mode: false, speed: 'normal', optimizer: 'sgd' },
		stats: { epoch, batch, batches_per_epoch: perEpoch, loss, accuracy: 1 - loss / 2.5 }, history, last_update: batch ? update() : null,
		confusion_matrix: null, has_weights: true, weights_version: 1, viewers: wss.clients.size, data: { ready: true, downloading: false } };
}

const server = createServer( async ( req, res ) => {
	const url = new URL( req.url, 'http://x' );
	const json = ( body ) => { res.writeHead( 200, { 'Content-Type': 'application/json' } ); res.end( JSON.stringify( body ) ); };
	if ( req.method === 'POST' ) {
		if ( url.pathname === '/start-training' ) { training = true; broadcast( { type: 'training_started', architecture: sizes } ); return json( { status: 'started' } ); }
		if ( url.pathname === '/stop-training' ) { training = false; broadcast( { type: 'training_stopped' } ); return json( { status: 'stopped' } ); }
		return json( { status: 'updated' } );
	}
	if ( url.pathname === '/get-weights' ) return json( { status: 'ok', weights: WEIGHTS } );
	let path = url.pathname === '/' ? 'index.html' : url.pathname.slice( 1 );
	if ( path.startsWith( 'vendor/' ) ) path = VENDOR[ path.slice( 7 ) ] ?? path;
	try {
		const body = await readFile( join( root, path ) );
		res.writeHead( 200, { 'Content-Type': MIME[ extname( path ) ] ?? 'application/octet-stream' } );
		res.end( body );
	} catch {
		res.writeHead( 404 );
		res.end();
	}
} );
const wss = new WebSocketServer( { server, path: '/ws' } );
const broadcast = ( m ) => { for ( const c of wss.clients ) c.send( JSON.stringify( m ) ); };
wss.on( 'connection', ( socket ) => {
	socket.send( JSON.stringify( { type: 'connected', status: 'ready', client_id: String( seq ), role: 'controller' } ) );
	socket.send( JSON.stringify( state() ) );
	broadcast( { type: 'viewers', count: wss.clients.size } );
} );
setInterval( () => {
	if ( ! training ) return;
	batch += 10;
	if ( batch > perEpoch ) {
		broadcast( { type: 'epoch_end', epoch, epochs: 3, test_accuracy: 0.9 + epoch * 0.02, test_loss: 0.3,
			confusion_matrix: Array.from( { length: 10 }, ( _, r ) => Array.from( { length: 10 }, ( _, c ) => ( r === c ? 950 : Math.floor( Math.random() * 8 ) ) ) ) } );
		history.test_accuracy.push( 0.9 + epoch * 0.02 );
		epoch += 1;
		batch = 1;
	}
	loss = Math.max( 0.05, loss * 0.995 );
	history.loss.push( loss );
	history.accuracy.push( 1 - loss / 2.5 );
	broadcast( update() );
}, 33 );
server.listen( Number( process.argv[ 2 ] ?? 8765 ), '127.0.0.1', () => console.log( `mock on ${server.address().port}` ) );
