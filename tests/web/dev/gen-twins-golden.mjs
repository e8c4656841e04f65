// Writes tests/data/connections-golden.json and tests/data/layout-golden.json: small fixed inputs
// (weights on a 1/64 grid, so there are many ties and every value is exact in float32) and what
// the shared rules give for them, computed here by a plain reference of each rule, not by either
// twin. The "rule" fields are the rule comments of app/view3d/connectionselector.h and
// app/view3d/networklayout.h, which resources/web/connections.js and layout.js repeat word for word.
// Usage: node tests/web/dev/gen-twins-golden.mjs   (from the repository root)
// Not a test: run it by hand after an intended rule change, then check the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath( new URL( '../../../', import.meta.url ) );

// The comment lines from the one starting with `startsWith` up to the first line that is not a comment.
function ruleText( path, startsWith ) {
	const lines = readFileSync( root + path, 'utf8' ).split( '\n' );
	const first = lines.findIndex( ( l ) => l.startsWith( '// ' + startsWith ) );
	if ( first < 0 ) throw new Error( `${path}: no comment starting "${startsWith}"` );
	const rule = [];
	for ( let k = first; k < lines.length && lines[ k ].startsWith( '//' ); ++ k ) rule.push( lines[ k ].replace( /^\/\/ ?/, '' ) );
	return rule;
}

let seed = 12345;
function next() { // Park-Miller; values on a 1/64 grid in [-1, 1]
	seed = ( seed * 16807 ) % 2147483647;
	return Math.round( ( seed / 2147483647 * 2 - 1 ) * 64 ) / 64;
}
const randomRows = ( outputs, inputs ) => Array.from( { length: outputs }, () => Array.from( { length: inputs }, next ) );

// Reference of the connection rule; layer.weights is (out, in): one row per target.
function referenceConnections( layers, { linesPerLayer, maxPerNeuron } ) {
	const result = [];
	layers.forEach( ( rows, layer ) => {
		const outputs = rows.length, inputs = rows[ 0 ].length;
		const K = Math.max( 1, Math.min( Math.floor( linesPerLayer / outputs ), maxPerNeuron, inputs ) );
		let kept = [];
		rows.forEach( ( row, to ) => {
			const ranked = row.map( ( w, from ) => ( { from, to, w, a: Math.abs( w ) } ) ).sort( ( p, q ) => q.a - p.a || p.from - q.from );
			kept.push( ...ranked.slice( 0, K ) );
		} );
		if ( kept.length > linesPerLayer ) {
			kept.sort( ( p, q ) => q.a - p.a || p.to - q.to || p.from - q.from );
			kept = kept.slice( 0, linesPerLayer );
			kept.sort( ( p, q ) => p.to - q.to || q.a - p.a || p.from - q.from );
		}
		const largest = Math.max( 0, ...kept.map( ( c ) => c.a ) );
		for ( const c of kept ) result.push( { layer, from: c.from, to: c.to, weight: c.w, strength: largest > 0 ? c.a / largest : 0 } );
	} );
	return result;
}

const connectionCases = [
	{ name: 'ties inside a target go to the lower source', budget: { linesPerLayer: 4, maxPerNeuron: 2 },
		layers: [ [ [ 0.5, - 0.5, 0.25, 0.5, 0 ], [ - 0.25, 0.25, 0.25, - 0.75, 0.125 ] ] ] },
	{ name: 'the layer cut keeps ties at the lower target', budget: { linesPerLayer: 4, maxPerNeuron: 2 },
		layers: [ [ [ 0.5, 0.125, 0 ], [ 0.25, - 0.5, 0 ], [ 0.25, 0.25, 0.25 ], [ 0, 0, - 0.25 ], [ 0.75, 0, 0 ], [ 0.125, - 0.25, 0.25 ] ] ] },
	{ name: 'all weights zero', budget: { linesPerLayer: 6, maxPerNeuron: 8 },
		layers: [ [ [ 0, 0, 0, 0 ], [ 0, 0, 0, 0 ], [ 0, 0, 0, 0 ] ] ] },
	{ name: 'K limited by the inputs', budget: { linesPerLayer: 100, maxPerNeuron: 8 },
		layers: [ [ [ - 0.125, 0.5, 0.25 ], [ 0.5, - 0.5, 1 ] ] ] },
	{ name: 'two layers, the window budget', budget: { linesPerLayer: 160, maxPerNeuron: 8 },
		layers: [ randomRows( 20, 12 ), randomRows( 3, 20 ) ] },
	{ name: 'a wide layer is cut, ties across targets', budget: { linesPerLayer: 160, maxPerNeuron: 8 },
		layers: [ randomRows( 200, 6 ).map( ( row ) => row.map( ( w ) => Math.round( w * 4 ) / 4 ) ) ] },
	{ name: 'three layers, the page budget', budget: { linesPerLayer: 768, maxPerNeuron: 6 },
		layers: [ randomRows( 130, 9 ), randomRows( 40, 130 ), randomRows( 10, 40 ) ] },
];
for ( const c of connectionCases ) c.expected = referenceConnections( c.layers, c.budget );

// One line per case, so that a rule change reads as a diff of the cases it changes.
function write( path, header, cases ) {
	const head = JSON.stringify( header, null, 1 ).replace( /\n}$/, '' );
	writeFileSync( root + path, `${head},\n "cases": [\n${cases.map( ( c ) => '  ' + JSON.stringify( c ) ).join( ',\n' )}\n ]\n}\n` );
}

write( 'tests/data/connections-golden.json', {
	rule: ruleText( 'app/view3d/connectionselector.h', 'For every dense layer' ),
	weightsLayout: 'layers[l][to][from]: dense layer l as (out, in), one row per target neuron',
	tolerance: 1e-6,
}, connectionCases );

// Reference of the grid rule.
function referenceGrid( sizes ) {
	return sizes.map( ( n, layer ) => {
		const kind = layer === 0 ? 'input' : layer === sizes.length - 1 ? 'output' : 'hidden';
		const columns = kind === 'input' ? 28 : kind === 'output' ? 1 : Math.ceil( Math.sqrt( n ) );
		const rows = Math.ceil( n / columns );
		const cells = [];
		for ( let i = 0; i < n; ++ i ) {
			const row = Math.floor( i / columns ), column = i % columns;
			cells.push( [ column - ( columns - 1 ) / 2, ( rows - 1 ) / 2 - row ] );
		}
		return { columns, rows, cells };
	} );
}

const layoutCases = [ [ 784, 128, 64, 10 ], [ 784, 10 ], [ 784, 7, 3, 10 ], [ 784, 1, 2, 10 ], [ 50, 30, 2 ], [ 784 ] ]
	.map( ( sizes ) => ( { sizes, layers: referenceGrid( sizes ) } ) );

write( 'tests/data/layout-golden.json', {
	rule: ruleText( 'app/view3d/networklayout.h', '1. Columns' ),
	cellsLayout: 'layers[l].cells[i] = [across, up]: neuron i\'s offset from the layer centre, in units of its spacing',
	tolerance: 1e-4,
}, layoutCases );
