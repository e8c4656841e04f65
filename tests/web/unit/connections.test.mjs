// The page's choice of drawn connections must be the desktop's (app/view3d/connectionselector.cpp): both
// are checked against the golden vectors in tests/data/connections-golden.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strongestConnections } from '../../../resources/web/connections.js';

const goldenPath = fileURLToPath( new URL( '../../data/connections-golden.json', import.meta.url ) );
const golden = JSON.parse( readFileSync( goldenPath, 'utf8' ) );

// The golden weights are (out, in) rows; the page's model keeps each dense layer as (in x out), row-major.
function modelOf( layers ) {
	return { layers: layers.map( ( rows ) => {
		const outSize = rows.length, inSize = rows[ 0 ].length;
		const W = new Float32Array( inSize * outSize );
		rows.forEach( ( row, j ) => row.forEach( ( w, i ) => { W[ i * outSize + j ] = w; } ) );
		return { W, inSize, outSize };
	} ) };
}

test( 'the golden file has cases and a tolerance', () => {
	assert.ok( golden.cases.length >= 5, `${goldenPath}: expected at least 5 cases` );
	assert.ok( golden.tolerance > 0 && golden.tolerance <= 1e-5 );
} );

for ( const c of golden.cases ) {
	test( `golden case "${c.name}"`, () => {
		const set = strongestConnections( modelOf( c.layers ), c.budget );
		const got = [];
		for ( let k = 0; k < set.count; ++ k ) got.push( [ set.layer[ k ], set.from[ k ], set.to[ k ] ] );
		assert.deepEqual( got, c.expected.map( ( e ) => [ e.layer, e.from, e.to ] ), 'layer, from, to of every connection, in order' );
		c.expected.forEach( ( e, k ) => {
			assert.equal( set.weight[ k ], e.weight, `connection ${k}: weight` );
			const diff = Math.abs( set.strength[ k ] - e.strength );
			assert.ok( diff <= golden.tolerance, `connection ${k}: strength ${set.strength[ k ]}, expected ${e.strength}` );
			// The scene colours a line by |w| / maxAbs: the same strength.
			const largest = Math.max( 0, ...c.expected.filter( ( f ) => f.layer === e.layer ).map( ( f ) => Math.abs( f.weight ) ) );
			assert.ok( Math.abs( set.maxAbs[ e.layer ] - Math.max( 1e-12, largest ) ) <= 1e-12, `maxAbs of layer ${e.layer}` );
		} );
	} );
}

test( 'the rule comment is the golden file\'s, word for word', () => {
	const source = readFileSync( fileURLToPath( new URL( '../../../resources/web/connections.js', import.meta.url ) ), 'utf8' );
	assert.ok( golden.rule.length >= 5 );
	for ( const line of golden.rule ) assert.ok( source.includes( `\n// ${line}\n` ), `connections.js lacks the rule line "${line}"` );
} );

test( 'a weight that is not finite counts as 0', () => {
	const set = strongestConnections( modelOf( [ [ [ NaN, 0.25, Infinity, - 0.5 ] ] ] ), { linesPerLayer: 2, maxPerNeuron: 8 } );
	assert.deepEqual( Array.from( set.from.subarray( 0, set.count ) ), [ 3, 1 ] );
	assert.deepEqual( Array.from( set.strength.subarray( 0, set.count ) ), [ 1, 0.5 ] );
} );
