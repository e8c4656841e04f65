// Where every neuron sits in 3D: the 784 inputs as the 28x28 image, hidden layers as square-ish
// grids, the 10 outputs as a column (a row in portrait). Pure geometry, no three.js, so it is
// unit-tested under node. Units are arbitrary; the camera fits whatever comes out.
//
// The grid rule (app/networklayout.h follows it word for word; tests/data/layout-golden.json
// holds the cases both are tested against, on the page in its landscape orientation):
// 1. Columns: 28 for the input layer (the image's width), 1 for the output layer, ceil(sqrt(n))
//    for a hidden layer of n neurons. Rows: ceil(n / columns).
// 2. Neuron i sits in row floor(i / columns), column i mod columns: row 0 at the top.
// 3. Its offset from the layer's centre, in units of the layer's spacing, is
//    (column - (columns - 1) / 2) across and ((rows - 1) / 2 - row) up.
// The first layer is the input layer; the last, when there are two or more, the output layer.
// Spacings and where the layers' centres lie differ by design: the window stacks the layers in
// depth for a three-quarter view, the page lays them side by side in one plane.
// In portrait the page departs from step 1 (hidden grids about three times as wide as
// tall, the outputs as one row) to use the screen's width.

export const INPUT_SIDE = 28;
// Empty space between neighbouring layers along the flow direction (tighter in portrait).
const LAYER_GAP = { horizontal: 18, vertical: 9 };
const OUTPUT_SPACING = 2.8;

// Square-ish grids; in portrait about three times as wide as tall, to use the screen's width.
function gridShape( count, horizontal = true ) {
	const cols = Math.ceil( Math.sqrt( horizontal ? count : count * 3 ) );
	return { cols, rows: Math.ceil( count / cols ) };
}

function layerKind( index, total ) {
	if ( index === 0 ) return 'input';
	return index === total - 1 ? 'output' : 'hidden';
}

// Spacing and neuron radius of a hidden layer: big layers get denser so they stay about as tall as the input.
function hiddenSpacing( count, horizontal ) {
	const { rows, cols } = gridShape( count, horizontal );
	return Math.min( 1.8, Math.max( 0.6, 30 / ( horizontal ? rows : cols ) ) );
}

/**
 * sizes: [784, h1, ..., 10]; orientation: 'horizontal' (flow left to right) or 'vertical' (top to bottom).
 * Returns {layers: [{kind, count, positions: Float32Array(count*3), spacing, radius, extent: {w, h},
 * center: [x, y, z]}], bounds: {min: [x,y,z], max: [x,y,z]}}.
 */
export function layoutNetwork( sizes, orientation = 'horizontal' ) {
	const horizontal = orientation !== 'vertical';
	const layers = sizes.map( ( count, index ) => {
		const kind = layerKind( index, sizes.length );
		let cols, rows, spacing, radius;
		if ( kind === 'input' ) {
			cols = INPUT_SIDE;
			rows = Math.ceil( count / INPUT_SIDE );
			spacing = 1;
			radius = 0.49; // nearly touching squares: the layer reads as the image
		} else if ( kind === 'output' ) {
			cols = horizontal ? 1 : count;
			rows = horizontal ? count : 1;
			spacing = OUTPUT_SPACING;
			radius = 0.95;
		} else {
			( { cols, rows } = gridShape( count, horizontal ) );
			spacing = hiddenSpacing( count, horizontal );
			radius = spacing * 0.36;
		}
		return { kind, count, cols, rows, spacing, radius,
			extent: { w: ( cols - 1 ) * spacing + 2 * radius, h: ( rows - 1 ) * spacing + 2 * radius } };
	} );

	// Place layer centres along the flow axis with a constant gap between their edges.
	const gap = LAYER_GAP[ horizontal ? 'horizontal' : 'vertical' ];
	let cursor = 0;
	for ( const layer of layers ) {
		const depth = horizontal ? layer.extent.w : layer.extent.h;
		const along = cursor + depth / 2;
		layer.center = horizontal ? [ along, 0, 0 ] : [ 0, - along, 0 ];
		cursor += depth + gap;
	}
	const total = cursor - gap;
	const min = [ Infinity, Infinity, Infinity ];
	const max = [ - Infinity, - Infinity, - Infinity ];
	for ( const layer of layers ) {
		// Centre the whole network on the origin.
		if ( horizontal ) layer.center[ 0 ] -= total / 2;
		else layer.center[ 1 ] += total / 2;
		layer.positions = new Float32Array( layer.count * 3 );
		for ( let k = 0; k < layer.count; ++ k ) {
			const row = Math.floor( k / layer.cols );
			const col = k % layer.cols;
			const x = layer.center[ 0 ] + ( col - ( layer.cols - 1 ) / 2 ) * layer.spacing;
			const y = layer.center[ 1 ] + ( ( layer.rows - 1 ) / 2 - row ) * layer.spacing;
			layer.positions.set( [ x, y, 0 ], k * 3 );
			for ( const [ axis, value ] of [ x, y, 0 ].entries() ) {
				min[ axis ] = Math.min( min[ axis ], value - layer.radius );
				max[ axis ] = Math.max( max[ axis ], value + layer.radius );
			}
		}
	}
	return { layers, bounds: { min, max }, orientation: horizontal ? 'horizontal' : 'vertical' };
}
