// The JS drawing preprocessing must give the same 784 numbers as core/preprocess.cpp: both are
// checked against the golden vectors in tests/data/preprocess-golden.json (written by core).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preprocessDrawing, rgbaToGray } from '../../../resources/web/preprocess.js';

const goldenPath = fileURLToPath( new URL( '../../data/preprocess-golden.json', import.meta.url ) );
const golden = JSON.parse( readFileSync( goldenPath, 'utf8' ) );

test( 'the golden file has cases and a tolerance', () => {
	assert.ok( golden.cases.length >= 5, `${goldenPath}: expected at least 5 cases` );
	assert.ok( golden.tolerance > 0 && golden.tolerance <= 1e-5 );
} );

for ( const c of golden.cases ) {
	test( `golden case "${c.name}" (${c.width}x${c.height})`, () => {
		assert.equal( c.pixels.length, c.width * c.height, 'fixture size' );
		const result = preprocessDrawing( Uint8Array.from( c.pixels ), c.width, c.height );
		assert.equal( result.empty, c.empty, 'empty flag' );
		assert.equal( result.pixels.length, 784 );
		let worst = 0, worstIndex = - 1;
		for ( let k = 0; k < 784; ++ k ) {
			const diff = Math.abs( result.pixels[ k ] - c.expected[ k ] );
			// `!(diff <= tol)` also fails on NaN.
			if ( ! ( diff <= worst ) ) {
				worst = diff;
				worstIndex = k;
			}
		}
		assert.ok( worst <= golden.tolerance,
			`pixel ${worstIndex} (row ${Math.floor( worstIndex / 28 )}, col ${worstIndex % 28}): got ` +
			`${result.pixels[ worstIndex ]}, expected ${c.expected[ worstIndex ]}` );
	} );
}

test( 'bad input gives an empty result, not a crash', () => {
	assert.equal( preprocessDrawing( null, 10, 10 ).empty, true );
	assert.equal( preprocessDrawing( new Uint8Array( 4 ), 0, 4 ).empty, true );
	assert.equal( preprocessDrawing( new Uint8Array( 3 ), 2, 2 ).empty, true, 'buffer shorter than width*height' );
} );

test( 'ink comes out high and the result is normalised to 0..1', () => {
	const gray = new Uint8Array( 50 * 50 ).fill( 255 ); // white paper
	for ( let y = 10; y < 40; ++ y ) gray[ y * 50 + 25 ] = 0; // black vertical stroke
	const { pixels, empty } = preprocessDrawing( gray, 50, 50 );
	assert.equal( empty, false );
	const max = Math.max( ...pixels );
	assert.ok( max > 0.9 && max <= 1, `max ${max}` );
	assert.ok( Math.min( ...pixels ) >= 0 );
	// A 1-px wide, 30-px tall stroke becomes 20 rows tall, centred around column 13/14.
	const rows = new Set();
	for ( let k = 0; k < 784; ++ k ) if ( pixels[ k ] > 0 ) rows.add( Math.floor( k / 28 ) );
	assert.equal( rows.size, 20 );
} );

test( 'rgbaToGray uses Rec. 601 luma', () => {
	const gray = rgbaToGray( Uint8Array.from( [ 255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255 ] ), 3, 1 );
	assert.deepEqual( Array.from( gray ), [ 255, 0, 76 ] );
} );
