// The page's in-browser forward pass (resources/web/inference.js) against the real server's
// /predict on the same inputs, with the weights the server hands out on /get-weights. The
// server shares weights once it has trained (as the original does), so it trains for a moment on
// real MNIST first and is stopped; then the weights no longer move.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer, missingPrerequisite, api } from '../lib/server.mjs';
import { parseWeights, forward } from '../../../resources/web/inference.js';

const skip = missingPrerequisite( { needMnist: true } );
const golden = JSON.parse( readFileSync( fileURLToPath( new URL( '../../data/preprocess-golden.json', import.meta.url ) ), 'utf8' ) );
let server;

before( async () => {
	if ( skip ) return;
	server = await startServer( { name: 'server-predict' } );
	assert.equal( ( await api( server, 'POST', '/set-teaching-mode?enabled=false' ) ).status, 200 );
	assert.equal( ( await api( server, 'POST', '/start-training' ) ).data.status, 'started' );
	const deadline = Date.now() + 60000;
	while ( ( await api( server, 'GET', '/get-weights' ) ).data?.status !== 'ok' ) {
		assert.ok( Date.now() < deadline, 'the server shared no weights within 60 s of training' );
		await new Promise( ( resolve ) => setTimeout( resolve, 200 ) );
	}
	await api( server, 'POST', '/stop-training' );
	while ( ( await api( server, 'GET', '/status' ) ).data.training ) {
		assert.ok( Date.now() < deadline, 'the run did not stop' );
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
	}
} );
after( async () => server?.dispose() );

function assertClose( actual, expected, tolerance, what ) {
	assert.equal( actual.length, expected.length, `${what}: length` );
	for ( let k = 0; k < expected.length; ++ k ) {
		const diff = Math.abs( actual[ k ] - expected[ k ] );
		assert.ok( diff <= tolerance * Math.max( 1, Math.abs( expected[ k ] ) ),
			`${what}[${k}]: browser ${actual[ k ]} vs server ${expected[ k ]}` );
	}
}

test( 'browser forward pass == server /predict', { skip: skip ?? false }, async () => {
	const weights = await api( server, 'GET', '/get-weights' );
	assert.equal( weights.status, 200 );
	const model = parseWeights( weights.data.weights );
	assert.deepEqual( model.sizes, [ 784, 128, 64, 10 ] );

	// Inputs: the golden drawings after preprocessing, plus dense random noise (every weight used).
	let seed = 3;
	const noise = Array.from( { length: 784 }, () => ( ( seed = ( seed * 16807 ) % 2147483647 ) / 2147483647 ) );
	const inputs = golden.cases.filter( ( c ) => ! c.empty ).map( ( c ) => [ c.name, c.expected ] ).concat( [ [ 'noise', noise ] ] );
	for ( const [ name, pixels ] of inputs ) {
		const response = await api( server, 'POST', '/predict', { pixels } );
		assert.equal( response.status, 200, `${name}: ${JSON.stringify( response.data )}` );
		const mine = forward( model, pixels );
		assert.equal( mine.digit, response.data.digit, `${name}: digit` );
		assertClose( mine.probabilities, response.data.probabilities, 1e-5, `${name} probabilities` );
		assert.equal( response.data.activations.length, mine.activations.length, `${name}: one array per drawn layer` );
		mine.activations.forEach( ( layer, i ) => assertClose( layer, response.data.activations[ i ], 1e-4, `${name} layer ${i}` ) );
	}
} );

test( 'a bad /predict body is refused with a message, and the page handles it', { skip: skip ?? false }, async () => {
	const response = await api( server, 'POST', '/predict', { pixels: [ 1, 2, 3 ] } );
	assert.ok( response.status >= 400 && response.status < 500 );
	assert.equal( response.data.status, 'error' );
	assert.match( response.data.message, /pixels|784/ );
} );
