// The learning views' pure helpers: the features endpoint's int8 decoding, the colour maps, tile
// order, the landscape mesh and its trajectory mapping, the painter's brush on a private copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Bytes, decodeFeatureWeights, imagePixels, divergingColor, maxAbs, tileOrder, rampColor, LOSS_STOPS,
	landscapeMesh, pathExtent, brushWeight, privateCopy, paintNeuron, histogramTotal } from '../../../resources/web/analysis.js';
import { parseWeights, forward } from '../../../resources/web/inference.js';

// The server's encoding (analysisapi.cpp quantisedRows), written here independently.
function encode( rows ) {
	const scales = rows.map( ( row ) => Math.max( 0, ...row.map( Math.abs ) ) );
	const bytes = Buffer.alloc( rows.length * rows[ 0 ].length );
	rows.forEach( ( row, j ) => row.forEach( ( w, i ) => {
		bytes.writeInt8( scales[ j ] > 0 ? Math.round( w / scales[ j ] * 127 ) : 0, j * row.length + i );
	} ) );
	return { encoding: 'int8', neurons: rows.length, inputs: rows[ 0 ].length, scales, weights: bytes.toString( 'base64' ) };
}

test( 'int8 feature weights decode within half a step of the originals', () => {
	const rows = [ [ 0.5, - 0.25, 0.1, 0 ], [ 0, 0, 0, 0 ], [ - 2, 1.3, 0.7, - 0.01 ] ];
	const decoded = decodeFeatureWeights( encode( rows ) );
	assert.equal( decoded.length, 12 );
	rows.forEach( ( row, j ) => {
		const scale = Math.max( ...row.map( Math.abs ) );
		row.forEach( ( w, i ) => assert.ok( Math.abs( decoded[ j * 4 + i ] - w ) <= scale / 254 + 1e-7, `row ${j} input ${i}` ) );
	} );
	assert.equal( decoded[ 0 ], 0.5, 'the largest |w| of a row is exact' );
	assert.ok( decoded.slice( 4, 8 ).every( ( v ) => v === 0 ), 'an all-zero row (scale 0) stays zero' );
	assert.ok( decoded[ 1 ] < 0, 'negative weights stay negative (signed bytes)' );
} );

test( 'feature decoding refuses a mismatched answer', () => {
	const good = encode( [ [ 1, 2 ], [ 3, 4 ] ] );
	assert.throws( () => decodeFeatureWeights( { ...good, neurons: 3 } ), /bytes/ );
	assert.throws( () => decodeFeatureWeights( { ...good, scales: [ 1 ] } ), /scales/ );
	assert.throws( () => decodeFeatureWeights( { ...good, encoding: 'float32' } ), /encoding/ );
} );

test( 'test images decode to 0..1', () => {
	const bytes = Buffer.from( [ 0, 255, 51 ] ).toString( 'base64' );
	assert.deepEqual( Array.from( base64Bytes( bytes ) ), [ 0, 255, 51 ] );
	assert.deepEqual( Array.from( imagePixels( bytes ) ), [ 0, 1, Math.fround( 0.2 ) ] );
} );

test( 'the diverging colour map: base at 0, the positive / negative colour at ±scale', () => {
	const colors = { base: [ 10, 20, 30 ], positive: [ 250, 150, 60 ], negative: [ 56, 189, 248 ] };
	assert.deepEqual( divergingColor( 0, 1, colors ), [ 10, 20, 30 ] );
	assert.deepEqual( divergingColor( 1, 1, colors ), [ 250, 150, 60 ] );
	assert.deepEqual( divergingColor( - 3, 1, colors ), [ 56, 189, 248 ], 'clamped beyond the scale' );
	assert.deepEqual( divergingColor( 0.5, 1, colors ), [ 130, 85, 45 ] );
	assert.deepEqual( divergingColor( 0.5, 0, colors ), [ 10, 20, 30 ], 'scale 0: everything is the base' );
	assert.equal( maxAbs( [ 1, - 4, 2 ] ), 4 );
	assert.equal( maxAbs( [ 1, - 4, 2, 3 ], 2, 2 ), 3 );
} );

test( 'tiles sort by index, norm or firing rate, ties by index', () => {
	const norms = [ 0.5, 2, 1, 2 ], firing = [ 0.9, 0.1, 0.9, 0 ];
	assert.deepEqual( tileOrder( 'index', norms, firing ), [ 0, 1, 2, 3 ] );
	assert.deepEqual( tileOrder( 'norm', norms, firing ), [ 1, 3, 2, 0 ] );
	assert.deepEqual( tileOrder( 'firing', norms, firing ), [ 0, 2, 1, 3 ] );
} );

test( 'the loss ramp runs from its first to its last stop', () => {
	assert.deepEqual( rampColor( 0 ), LOSS_STOPS[ 0 ] );
	assert.deepEqual( rampColor( 1 ), LOSS_STOPS[ LOSS_STOPS.length - 1 ] );
	assert.deepEqual( rampColor( 7 ), LOSS_STOPS[ LOSS_STOPS.length - 1 ] );
	assert.deepEqual( rampColor( NaN ), LOSS_STOPS[ 0 ] );
} );

test( 'the landscape mesh: G×G vertices, heights by loss, the trajectory on the same axes', () => {
	const alphas = [ - 1, 0, 1 ], betas = [ - 1, 0, 1 ];
	const loss = [ [ 3, 2, 3 ], [ 2, 1, 2 ], [ 3, 2, 3 ] ]; // rows by beta
	const mesh = landscapeMesh( { alphas, betas, loss }, { size: 10, height: 6 } );
	assert.equal( mesh.positions.length, 9 * 3 );
	assert.equal( mesh.indices.length, 4 * 6, 'two triangles per grid cell' );
	assert.deepEqual( mesh.lossRange, [ 1, 3 ] );
	assert.equal( mesh.logScale, false );
	// Vertex (i=0, j=0): alpha -1 -> x -10, beta -1 -> z -10, loss 3 = max -> y 6.
	assert.deepEqual( Array.from( mesh.positions.slice( 0, 3 ) ), [ - 10, 6, - 10 ] );
	// The centre vertex (i=1, j=1): the minimum, at the origin.
	assert.deepEqual( Array.from( mesh.positions.slice( 12, 15 ) ), [ 0, 0, 0 ] );
	// A trajectory point halfway out along alpha with loss 2: x 5, y 3, z 0; loss beyond the range clamps.
	assert.deepEqual( mesh.map( 0.5, 0, 2 ), [ 5, 3, 0 ] );
	assert.deepEqual( mesh.map( 0, 0, 100 ), [ 0, 6, 0 ] );
	// The training path's projection sits on the surface: at grid points their height, between
	// them the bilinear mix, and outside the grid clamped to its edge.
	assert.deepEqual( mesh.onSurface( 0, 0 ), [ 0, 0, 0 ] );
	assert.deepEqual( mesh.onSurface( - 1, - 1 ), [ - 10, 6, - 10 ] );
	assert.deepEqual( mesh.onSurface( 0.5, 0 ), [ 5, 1.5, 0 ] );
	assert.deepEqual( mesh.onSurface( 0.5, 0.5 ), [ 5, 3, 5 ] );
	assert.deepEqual( mesh.onSurface( 7, 0 ), [ 10, 3, 0 ] );
	// Colours: the minimum has the ramp's first colour, the maximum its last.
	assert.deepEqual( Array.from( mesh.colors.slice( 12, 15 ), ( c ) => Math.round( c * 255 ) ), LOSS_STOPS[ 0 ] );
	assert.deepEqual( Array.from( mesh.colors.slice( 0, 3 ), ( c ) => Math.round( c * 255 ) ), LOSS_STOPS[ LOSS_STOPS.length - 1 ] );
	// A wide range is drawn on a log scale.
	assert.equal( landscapeMesh( { alphas, betas, loss: loss.map( ( r ) => r.map( ( v ) => v * v * v ) ) } ).logScale, true );
	assert.throws( () => landscapeMesh( { alphas, betas: [ 0 ], loss } ), /landscape/ );
	assert.equal( pathExtent( [ [ 0.01, - 0.03, 2.3 ], [ 0, 0, 0.1 ], [ NaN, 5, 1 ] ], 0.5 ), 0.06 );
	assert.equal( pathExtent( [], 1 ), 0 );
} );

test( 'the painter brush follows the core formula and paints only a private copy', () => {
	const brush = { x: 14, y: 14, radius: 3, strength: 0.2, sign: 1 };
	// Pixel (13, 13) has its centre at (13.5, 13.5): d = sqrt(0.5), (1 - 0.5 / 9)^2 * 0.2.
	assert.ok( Math.abs( brushWeight( brush, 13, 13 ) - 0.2 * ( 1 - 0.5 / 9 ) ** 2 ) < 1e-12 );
	assert.equal( brushWeight( brush, 0, 0 ), 0 );
	assert.ok( brushWeight( { ...brush, sign: - 1 }, 13, 13 ) < 0 );

	const W = Array.from( { length: 784 }, ( _, i ) => [ 0, ( i % 7 ) / 700 ] );
	const model = parseWeights( [ { type: 'Dense', weights: W, bias: [ 0, 0 ] }, { type: 'ReLU' },
		{ type: 'Dense', weights: [ [ 1, 0 ], [ 0, 1 ] ], bias: [ 0, 0 ] }, { type: 'Softmax' } ] );
	const original = Float32Array.from( model.layers[ 0 ].W );
	const copy = privateCopy( model );
	const input = new Float32Array( 784 ).fill( 0.5 );
	const before = forward( copy, input ).probabilities[ 0 ];
	const changed = paintNeuron( copy, 0, brush );
	assert.ok( changed > 20 && changed < 40, `${changed} weights under a radius-3 brush` );
	assert.deepEqual( model.layers[ 0 ].W, original, 'the original model is untouched' );
	assert.ok( forward( copy, input ).probabilities[ 0 ] > before, 'exciting neuron 0 raises digit 0' );
	assert.equal( paintNeuron( copy, 5, brush ), 0, 'an out-of-range neuron is not painted' );
} );

test( 'histogram totals', () => {
	assert.equal( histogramTotal( { counts: [ 1, 2, 3 ] } ), 6 );
	assert.equal( histogramTotal( null ), 0 );
} );
