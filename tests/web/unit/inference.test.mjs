// The in-browser forward pass: numbers checked by hand, the /get-weights parsing and its errors.
// (The comparison with the server's /predict on the same input is in server-predict.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWeights, forward, softmax, parameterCount, incomingWeights } from '../../../resources/web/inference.js';

// 3 inputs -> 2 hidden (ReLU) -> 2 outputs (softmax); W rows are inputs, as on the wire.
const tiny = [
	{ type: 'Dense', weights: [ [ 1, - 1 ], [ 1, - 1 ], [ 1, - 1 ] ], bias: [ 0.5, 0.5 ], inputSize: 3, outputSize: 2 },
	{ type: 'ReLU' },
	{ type: 'Dense', weights: [ [ 1, 0 ], [ 0, 1 ] ], bias: [ [ 0, 0 ] ], inputSize: 2, outputSize: 2 },
	{ type: 'Softmax' },
];

test( 'hand-checked forward pass', () => {
	const model = parseWeights( tiny );
	assert.deepEqual( model.sizes, [ 3, 2, 2 ] );
	// hidden z = [0+1+2+0.5, -(0+1+2)+0.5] = [3.5, -2.5] -> ReLU [3.5, 0]; output softmax([3.5, 0]).
	const { activations, probabilities, digit } = forward( model, [ 0, 1, 2 ] );
	assert.deepEqual( Array.from( activations[ 1 ] ), [ 3.5, 0 ] );
	const e = Math.exp( 3.5 );
	assert.ok( Math.abs( probabilities[ 0 ] - e / ( e + 1 ) ) < 1e-12 );
	assert.ok( Math.abs( probabilities[ 1 ] - 1 / ( e + 1 ) ) < 1e-12 );
	assert.equal( digit, 0 );
	assert.equal( activations.length, 3, 'one array per drawn layer' );
} );

test( 'sigmoid and tanh hidden layers', () => {
	const layers = structuredClone( tiny );
	layers[ 1 ] = { type: 'Sigmoid' };
	let { activations } = forward( parseWeights( layers ), [ 0, 0, 0 ] );
	assert.ok( Math.abs( activations[ 1 ][ 0 ] - 1 / ( 1 + Math.exp( - 0.5 ) ) ) < 1e-12 );
	layers[ 1 ] = { type: 'Tanh' };
	( { activations } = forward( parseWeights( layers ), [ 0, 0, 0 ] ) );
	assert.ok( Math.abs( activations[ 1 ][ 1 ] - Math.tanh( 0.5 ) ) < 1e-12 );
} );

test( 'softmax is stable for large logits', () => {
	const p = softmax( [ 1000, 1000, - 1000 ] );
	assert.ok( Math.abs( p[ 0 ] - 0.5 ) < 1e-12 && p[ 2 ] === 0 );
	assert.ok( p.every( Number.isFinite ) );
} );

test( 'malformed weights are rejected with a message naming the problem', () => {
	const cases = [
		[ null, /non-empty layer list/ ],
		[ [ { type: 'Conv2D' } ], /layer 0 has unknown type "Conv2D"/ ],
		[ [ { type: 'ReLU' } ], /does not follow a Dense layer/ ],
		[ [ { ...tiny[ 0 ], weights: [ [ 1, 2 ], [ 1 ], [ 1, 2 ] ] }, { type: 'Softmax' } ], /row 1 has 1 values, expected 2/ ],
		[ [ { ...tiny[ 0 ], bias: [ 1 ] }, { type: 'Softmax' } ], /bias has 1 values, expected 2/ ],
		[ [ { ...tiny[ 0 ], inputSize: 4 }, { type: 'Softmax' } ], /says 4x2 but holds 3x2/ ],
		[ [ tiny[ 0 ], tiny[ 1 ], { ...tiny[ 2 ], weights: [ [ 1, 0 ] ], inputSize: 1 }, tiny[ 3 ] ], /takes 1 inputs but the previous layer gives 2/ ],
		[ [ { ...tiny[ 0 ], weights: [ [ 1, NaN ], [ 1, 1 ], [ 1, 1 ] ] }, { type: 'Softmax' } ], /non-finite/ ],
		[ [ tiny[ 0 ], tiny[ 1 ] ], /last layer must be Softmax/ ],
	];
	for ( const [ input, pattern ] of cases ) assert.throws( () => parseWeights( input ), pattern );
	assert.throws( () => forward( parseWeights( tiny ), [ 1, 2 ] ), /expected 3 inputs, got 2/ );
} );

test( 'parameter count and incoming weights', () => {
	assert.equal( parameterCount( [ 784, 128, 64, 10 ] ), 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10 );
	assert.equal( parameterCount( [ 784, 128, 64, 10 ] ), 109386 );
	const model = parseWeights( tiny );
	assert.deepEqual( Array.from( incomingWeights( model, 0, 1 ) ), [ - 1, - 1, - 1 ] );
} );
