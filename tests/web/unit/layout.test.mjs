// Neuron placement (the grid rule against tests/data/layout-golden.json, which app/view3d/networklayout.cpp
// is checked against too) and the choice of drawn connections (pure geometry / data, no three.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { layoutNetwork } from '../../../resources/web/layout.js';
import { selectConnections, linesPerNeuron, WEB_BUDGET } from '../../../resources/web/connections.js';
import { parseWeights } from '../../../resources/web/inference.js';
import { validateArchitecture } from '../../../resources/web/architecture.js';

test( 'every neuron gets a position; the input is the 28x28 image, row-major', () => {
	for ( const orientation of [ 'horizontal', 'vertical' ] ) {
		const { layers, bounds } = layoutNetwork( [ 784, 128, 64, 10 ], orientation );
		assert.deepEqual( layers.map( ( l ) => l.count ), [ 784, 128, 64, 10 ] );
		assert.deepEqual( layers.map( ( l ) => l.kind ), [ 'input', 'hidden', 'hidden', 'output' ] );
		const input = layers[ 0 ].positions;
		// Pixel (row 0, col 1) is right of (0, 0); pixel (1, 0) is below it.
		assert.ok( input[ 3 ] > input[ 0 ] && input[ 1 ] === input[ 4 ] );
		assert.ok( input[ 28 * 3 + 1 ] < input[ 1 ] );
		for ( const layer of layers ) {
			assert.equal( layer.positions.length, layer.count * 3 );
			assert.ok( layer.positions.every( Number.isFinite ) );
			const keys = new Set();
			for ( let k = 0; k < layer.count; ++ k ) keys.add( `${layer.positions[ k * 3 ]},${layer.positions[ k * 3 + 1 ]}` );
			assert.equal( keys.size, layer.count, 'no two neurons share a place' );
		}
		assert.ok( bounds.max[ 0 ] > bounds.min[ 0 ] && bounds.max[ 1 ] > bounds.min[ 1 ] );
	}
	const h = layoutNetwork( [ 784, 10 ], 'horizontal' ).layers;
	assert.ok( h[ 1 ].center[ 0 ] > h[ 0 ].center[ 0 ], 'horizontal: flows left to right' );
	const v = layoutNetwork( [ 784, 10 ], 'vertical' ).layers;
	assert.ok( v[ 1 ].center[ 1 ] < v[ 0 ].center[ 1 ], 'vertical: flows top to bottom' );
} );

const goldenPath = fileURLToPath( new URL( '../../data/layout-golden.json', import.meta.url ) );
const golden = JSON.parse( readFileSync( goldenPath, 'utf8' ) );

for ( const c of golden.cases ) {
	test( `grid rule golden case ${c.sizes.join( '-' )} (landscape)`, () => {
		const { layers } = layoutNetwork( c.sizes, 'horizontal' );
		assert.equal( layers.length, c.layers.length );
		layers.forEach( ( layer, l ) => {
			const expected = c.layers[ l ];
			assert.equal( layer.cols, expected.columns, `layer ${l}: columns` );
			assert.equal( expected.cells.length, layer.count );
			for ( let i = 0; i < layer.count; ++ i ) {
				// Across is +x, up is +y; the layer lies in the plane z = 0.
				const across = ( layer.positions[ i * 3 ] - layer.center[ 0 ] ) / layer.spacing;
				const up = ( layer.positions[ i * 3 + 1 ] - layer.center[ 1 ] ) / layer.spacing;
				const [ wantAcross, wantUp ] = expected.cells[ i ];
				assert.ok( Math.abs( across - wantAcross ) <= golden.tolerance && Math.abs( up - wantUp ) <= golden.tolerance &&
					layer.positions[ i * 3 + 2 ] === 0,
				`layer ${l} neuron ${i}: (across, up) = (${across}, ${up}), expected (${wantAcross}, ${wantUp})` );
			}
		} );
	} );
}

test( 'the grid rule comment is the golden file\'s, word for word', () => {
	const source = readFileSync( fileURLToPath( new URL( '../../../resources/web/layout.js', import.meta.url ) ), 'utf8' );
	assert.ok( golden.rule.length >= 5 );
	for ( const line of golden.rule ) assert.ok( source.includes( `\n// ${line}\n` ), `layout.js lacks the rule line "${line}"` );
} );

function randomModel( sizes ) {
	let seed = 7;
	const next = () => ( ( seed = ( seed * 16807 ) % 2147483647 ) / 2147483647 ) - 0.5;
	const list = [];
	for ( let d = 1; d < sizes.length; ++ d ) {
		list.push( { type: 'Dense', weights: Array.from( { length: sizes[ d - 1 ] }, () => Array.from( { length: sizes[ d ] }, next ) ),
			bias: new Array( sizes[ d ] ).fill( 0 ) } );
		list.push( { type: d === sizes.length - 1 ? 'Softmax' : 'ReLU' } );
	}
	return parseWeights( list );
}

test( "'strongest' keeps the K largest |w| into every neuron", () => {
	const sizes = [ 784, 16, 10 ];
	const model = randomModel( sizes );
	const set = selectConnections( model, sizes, 'strongest' );
	const K = [ linesPerNeuron( 784, 16 ), linesPerNeuron( 16, 10 ) ];
	assert.deepEqual( K, [ 6, 6 ] );
	assert.equal( set.count, 16 * K[ 0 ] + 10 * K[ 1 ] );
	assert.ok( set.hasWeights );
	// For neuron 3 of the first hidden layer, no unselected input has a larger |w| than a selected one.
	const chosen = [];
	for ( let k = 0; k < set.count; ++ k ) if ( set.layer[ k ] === 0 && set.to[ k ] === 3 ) chosen.push( set.from[ k ] );
	const { W, outSize } = model.layers[ 0 ];
	const smallestChosen = Math.min( ...chosen.map( ( i ) => Math.abs( W[ i * outSize + 3 ] ) ) );
	for ( let i = 0; i < 784; ++ i ) {
		if ( ! chosen.includes( i ) ) assert.ok( Math.abs( W[ i * outSize + 3 ] ) <= smallestChosen );
	}
	for ( let k = 0; k < set.count; ++ k ) {
		assert.equal( set.weight[ k ], model.layers[ set.layer[ k ] ].W[ set.from[ k ] * sizes[ set.layer[ k ] + 1 ] + set.to[ k ] ] );
	}
} );

test( "'sampled' is deterministic, in range, and works without weights", () => {
	const sizes = [ 784, 128, 64, 10 ];
	const a = selectConnections( null, sizes, 'sampled' );
	const b = selectConnections( null, sizes, 'sampled' );
	assert.equal( a.hasWeights, false );
	assert.deepEqual( a.from, b.from );
	for ( let k = 0; k < a.count; ++ k ) {
		assert.ok( a.from[ k ] < sizes[ a.layer[ k ] ] && a.to[ k ] < sizes[ a.layer[ k ] + 1 ] );
	}
	// Weights for another architecture are not used.
	const other = selectConnections( randomModel( [ 784, 8, 10 ] ), sizes, 'strongest' );
	assert.equal( other.hasWeights, false );
} );

test( 'wide networks stay under the line budget', () => {
	const sizes = [ 784, 1024, 1024, 1024, 10 ];
	const set = selectConnections( randomModel( sizes ), sizes, 'strongest' );
	assert.equal( set.count, 3 * WEB_BUDGET.linesPerLayer + 10 * WEB_BUDGET.maxPerNeuron );
	for ( let d = 0; d < 4; ++ d ) assert.ok( set.layer.filter( ( l ) => l === d ).length <= WEB_BUDGET.linesPerLayer );
} );

test( 'architecture builder validation', () => {
	assert.equal( validateArchitecture( [ { size: 128, activation: 'relu' }, { size: 64, activation: 'tanh' } ] ), '' );
	assert.equal( validateArchitecture( [] ), '', 'no hidden layer is a valid (linear) classifier' );
	assert.match( validateArchitecture( [ { size: 0, activation: 'relu' } ] ), /Hidden layer 1: neurons must be a whole number from 1 to 1024/ );
	assert.match( validateArchitecture( [ { size: 12.5, activation: 'relu' } ] ), /whole number/ );
	assert.match( validateArchitecture( [ { size: 1025, activation: 'relu' } ] ), /1 to 1024/ );
	assert.match( validateArchitecture( [ { size: 8, activation: 'gelu' } ] ), /unknown activation "gelu"/ );
	assert.match( validateArchitecture( new Array( 9 ).fill( { size: 8, activation: 'relu' } ) ), /At most 8 hidden layers/ );
	assert.match( validateArchitecture( new Array( 6 ).fill( { size: 1024, activation: 'relu' } ) ), /parameters: the limit is 5,000,000/ );
} );
