// The continuous speed control: one slider from Step (1 batch/s, one per press) through Narrated
// (5/s) and Normal (50/s) to Fast (no limit), with custom paces in between on a log scale. Pure
// (no DOM), plus a meter of the pace the run really has, from the batches the updates report.

export const SLIDER_MAX = 100;
const TOP_PACE = 2000; // batches/s just below the Fast end
export const PRESET_PACES = { step: 1, narrated: 5, normal: 50, fast: 0 };
const SNAP = 2; // slider steps around a preset's position that select the preset itself

// Slider position of pace p (batches/s), 0 < p ≤ TOP_PACE.
function position( p ) {
	return Math.log( Math.max( 1, p ) ) / Math.log( TOP_PACE ) * ( SLIDER_MAX - 1 );
}

export const PRESET_POSITIONS = { step: 0, narrated: Math.round( position( 5 ) ), normal: Math.round( position( 50 ) ), fast: SLIDER_MAX };

// What a slider position asks for: {mode} for a preset, or {pace} (batches/s, 2 significant digits).
export function sliderToSpeed( value ) {
	const v = Math.max( 0, Math.min( SLIDER_MAX, Math.round( Number( value ) ) ) );
	for ( const [ mode, at ] of Object.entries( PRESET_POSITIONS ) ) {
		if ( Math.abs( v - at ) <= ( mode === 'step' || mode === 'fast' ? 0 : SNAP ) ) return { mode };
	}
	const pace = TOP_PACE ** ( v / ( SLIDER_MAX - 1 ) );
	return { pace: Number( pace.toPrecision( 2 ) ) };
}

// The slider position that shows the server's speed setting.
export function speedToSlider( speed, pace ) {
	if ( speed in PRESET_POSITIONS ) return PRESET_POSITIONS[ speed ];
	if ( ! ( pace > 0 ) ) return SLIDER_MAX;
	return Math.max( 1, Math.min( SLIDER_MAX - 1, Math.round( position( Math.min( pace, TOP_PACE ) ) ) ) );
}

export function paceText( pace ) {
	if ( ! ( pace > 0 ) ) return 'no limit';
	return `${pace >= 10 ? Math.round( pace ) : Number( pace.toPrecision( 2 ) )} batches/s`;
}

// Batches per second over the last `windowMs`, from (time, global batch) samples of the updates.
export class PaceMeter {
	constructor( windowMs = 3000 ) {
		this.windowMs = windowMs;
		this.samples = [];
	}

	add( timeMs, batch ) {
		const last = this.samples[ this.samples.length - 1 ];
		if ( last && batch < last.batch ) this.samples = []; // a new run
		this.samples.push( { time: timeMs, batch } );
		while ( this.samples.length > 2 && this.samples[ 0 ].time < timeMs - this.windowMs ) this.samples.shift();
	}

	reset() {
		this.samples = [];
	}

	// null until two samples at least 0.5 s apart exist.
	rate( nowMs ) {
		const first = this.samples[ 0 ], last = this.samples[ this.samples.length - 1 ];
		if ( ! first || last.time - first.time < 500 || nowMs - last.time > this.windowMs ) return null;
		return ( last.batch - first.batch ) / ( ( last.time - first.time ) / 1000 );
	}
}
