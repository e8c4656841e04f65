// The teaching card for `pause_moment` messages: a title, the explanation in plain words from the
// moment's own numbers (strings.js), a small picture drawn from the data the message carries
// (the digit we follow, its outputs, its signed output gradient, the run's real loss curve, the
// epoch's train and test results, the dead units' count), a caption that names every number,
// and links to the glossary for its words. The card stays while the run is paused on it.
import { MOMENT_LABELS, MOMENT_TERMS, momentText, plainNumber, percent, BACKWARD_LEGEND, FOCUS } from './strings.js';
import { globalBatch } from './runstate.js';

const $ = ( id ) => document.getElementById( id );
const css = ( name ) => getComputedStyle( document.documentElement ).getPropertyValue( name ).trim();

// The focus sample's signed output gradient p − onehot(label): the message's own, or (from a
// server that does not send it) computed from the output probabilities the message carries.
export function outputGradient( moment ) {
	if ( Array.isArray( moment.focus_output_gradient ) && moment.focus_output_gradient.length ) return moment.focus_output_gradient;
	const output = moment.activations?.[ moment.activations.length - 1 ];
	if ( ! Array.isArray( output ) || typeof moment.label !== 'number' ) return null;
	return output.map( ( p, i ) => p - ( i === moment.label ? 1 : 0 ) );
}

export class TeachingCard {
	// onContinue({dontShowAgain}), onSkip({dontShowAgain}); linkText(text) -> nodes with term links;
	// termLinks(ids) -> nodes.
	// run() -> {architecture, activations}: the network the moment belongs to.
	constructor( { onContinue, onSkip, linkText, termLinks, run } ) {
		this.run = run;
		this.panel = $( 'teaching' );
		this.timer = null;
		this.moment = null;
		this.held = false;
		this.linkText = linkText;
		this.termLinks = termLinks;
		const choice = () => ( { dontShowAgain: $( 'teaching-never' ).checked } );
		$( 'teaching-continue' ).addEventListener( 'click', () => onContinue( choice() ) );
		$( 'teaching-skip' ).addEventListener( 'click', () => onSkip( choice() ) );
	}

	get visible() {
		return ! this.panel.hidden;
	}

	show( moment, { held = false } = {} ) {
		const fresh = this.moment?.reason !== moment.reason || this.panel.hidden;
		this.moment = moment;
		this.panel.hidden = false;
		this.panel.dataset.reason = moment.reason;
		$( 'teaching-title' ).textContent = MOMENT_LABELS[ moment.reason ] ?? 'A key moment';
		$( 'teaching-message' ).replaceChildren( ...this.linkText( momentText( moment, this.run() ) ) );
		$( 'teaching-terms' ).replaceChildren( ...this.termLinks( MOMENT_TERMS[ moment.reason ] ?? [] ) );
		if ( fresh ) $( 'teaching-never' ).checked = false;
		this.draw();
		this.startCountdown( moment );
		this.setHeld( held );
		if ( fresh ) $( 'teaching-continue' ).focus( { preventScroll: true } );
	}

	startCountdown( moment ) {
		// duration 0: the run was paused when the moment came; it holds until someone goes on.
		const duration = Number( moment.duration ) || 0;
		const endsAt = performance.now() + duration * 1000;
		clearInterval( this.timer );
		const tick = () => {
			const left = Math.max( 0, Math.ceil( ( endsAt - performance.now() ) / 1000 ) );
			$( 'teaching-countdown' ).textContent = this.held || duration <= 0 ? 'paused: the card stays until Continue'
				: left > 0 ? `resumes in ${left} s` : 'resuming…';
		};
		this.tick = tick;
		tick();
		this.timer = setInterval( tick, 250 );
	}

	// held: the run is paused on this card (Pause pressed during the moment): no countdown.
	setHeld( held ) {
		this.held = held;
		this.panel.dataset.held = String( held );
		this.tick?.();
	}

	hide() {
		clearInterval( this.timer );
		this.panel.hidden = true;
		this.moment = null;
	}

	redraw() {
		if ( this.moment ) this.draw();
	}

	draw() {
		const canvas = $( 'teaching-visual' );
		const context = canvas.getContext( '2d' );
		context.clearRect( 0, 0, canvas.width, canvas.height );
		context.lineWidth = 1;
		const m = this.moment;
		const caption = {
			first_forward: () => this.drawForward( context, m ),
			first_backward: () => this.drawBackward( context, m ),
			divergence: () => this.drawDivergence( context, canvas, m ),
			plateau: () => this.drawPlateau( context, canvas, m ),
			epoch_end: () => this.drawEpoch( context, m ),
			dead_units: () => this.drawDead( context, canvas, m ),
			confident_mistake: () => this.drawMistake( context, m ),
		}[ m.reason ]?.() ?? this.drawLoss( context, canvas, m );
		$( 'teaching-caption' ).textContent = caption ?? '';
	}

	drawDigit( context, pixels, x, y, size ) {
		const cell = size / 28;
		context.fillStyle = '#000';
		context.fillRect( x, y, size, size );
		for ( let k = 0; k < 784; ++ k ) {
			const v = Math.round( Math.min( 1, Math.max( 0, pixels?.[ k ] ?? 0 ) ) * 255 );
			if ( ! v ) continue;
			context.fillStyle = `rgb(${v},${v},${v})`;
			context.fillRect( x + ( k % 28 ) * cell, y + Math.floor( k / 28 ) * cell, cell + 0.5, cell + 0.5 );
		}
	}

	text( context, value, x, y, { align = 'center', color = css( '--text-2' ), size = 13, weight = 400 } = {} ) {
		context.font = `${weight} ${size}px system-ui, sans-serif`;
		context.textAlign = align;
		context.fillStyle = color;
		context.fillText( value, x, y );
	}

	// Bars of values ≥ 0 (0..max) with a label under each and the value over it; colors(i) per bar.
	bars( context, values, x, y, w, h, { labels, colors, format, max = Math.max( 1e-12, ...values ) } ) {
		const slot = w / values.length;
		values.forEach( ( v, i ) => {
			const bh = Math.max( 1, ( Math.max( 0, v ) / max ) * ( h - 34 ) );
			context.fillStyle = colors( i );
			context.fillRect( x + i * slot + slot * 0.15, y + h - 16 - bh, slot * 0.7, bh );
			this.text( context, labels[ i ], x + i * slot + slot / 2, y + h - 2 );
			if ( format ) this.text( context, format( v ), x + i * slot + slot / 2, y + h - 20 - bh, { size: 12 } );
		} );
	}

	drawForward( context, m ) {
		const output = m.activations?.[ m.activations.length - 1 ];
		if ( ! output ) return this.drawLoss( context, $( 'teaching-visual' ), m );
		this.drawDigit( context, m.activations[ 0 ], 16, 20, 160 );
		this.text( context, '→', 200, 110, { size: 28, color: css( '--text-3' ) } );
		this.bars( context, Array.from( output ), 236, 14, 310, 180, { labels: output.map( ( _, i ) => String( i ) ), max: 1,
			colors: ( i ) => ( i === m.label ? css( '--good' ) : css( '--text-3' ) ), format: ( v ) => `${Math.round( v * 100 )}%` } );
		return `Left: ${FOCUS.name}, a ${m.label}. Right: the probability the untrained network gives each digit (green: the true ` +
			`digit, ${percent( output[ m.label ] )}). The outputs are close to uniform and it guesses ${m.prediction}.`;
	}

	drawBackward( context, m ) {
		const g = outputGradient( m );
		if ( ! g ) return this.drawLoss( context, $( 'teaching-visual' ), m );
		const x = 20, y = 24, w = 520, h = 150, mid = y + h / 2;
		const max = Math.max( 1e-9, ...g.map( Math.abs ) );
		const slot = w / g.length;
		context.strokeStyle = css( '--zero' );
		context.beginPath();
		context.moveTo( x, mid );
		context.lineTo( x + w, mid );
		context.stroke();
		g.forEach( ( v, i ) => {
			// Drawn as the step the output takes, −dL/dz: the true digit goes up.
			const push = - v;
			const bh = ( Math.abs( push ) / max ) * ( h / 2 - 16 );
			context.fillStyle = push > 0 ? css( '--positive' ) : push < 0 ? css( '--negative' ) : css( '--zero' );
			context.fillRect( x + i * slot + slot * 0.2, push > 0 ? mid - bh : mid, slot * 0.6, Math.max( 1, bh ) );
			this.text( context, plainNumber( push ), x + i * slot + slot / 2, push > 0 ? mid - bh - 4 : mid + bh + 13, { size: 12 } );
			this.text( context, String( i ), x + i * slot + slot / 2, y + h + 18, { weight: i === m.label ? 700 : 400,
				color: i === m.label ? css( '--text' ) : css( '--text-2' ) } );
		} );
		this.text( context, BACKWARD_LEGEND, x, 14, { align: 'left', size: 12, color: css( '--text-3' ) } );
		return `${BACKWARD_LEGEND} For ${FOCUS.name} (a ${m.label}): each bar is −∂loss/∂z of one output, p − 1 for the ` +
			`true digit and p for the others (orange up, blue down). The output ${m.label} is pushed up by ${plainNumber( - g[ m.label ] )}.`;
	}

	// The run's loss curve into the box; returns the mapping for marks. Non-finite points are cut.
	lossCurve( context, canvas, losses, { top = 28 } = {} ) {
		const pad = 36, w = canvas.width - pad - 16, h = canvas.height - top - 26;
		const finite = losses.filter( Number.isFinite );
		const max = Math.max( 1e-9, ...finite ) * 1.1;
		const px = ( i ) => pad + ( losses.length > 1 ? i / ( losses.length - 1 ) : 0 ) * w;
		const py = ( v ) => top + h - ( Math.min( v, max ) / max ) * h;
		context.strokeStyle = css( '--border' );
		context.strokeRect( pad, top, w, h );
		this.text( context, plainNumber( max ), pad - 4, top + 10, { align: 'right', size: 12 } );
		this.text( context, '0', pad - 4, top + h, { align: 'right', size: 12 } );
		context.strokeStyle = css( '--text-2' );
		context.lineWidth = 2;
		context.beginPath();
		let drawing = false;
		losses.forEach( ( v, i ) => {
			if ( ! Number.isFinite( v ) ) {
				drawing = false;
				return;
			}
			if ( drawing ) context.lineTo( px( i ), py( v ) ); else context.moveTo( px( i ), py( v ) );
			drawing = true;
		} );
		context.stroke();
		context.lineWidth = 1;
		return { px, py, pad, top, w, h, max };
	}

	history( m ) {
		const losses = ( m.loss_history ?? [] ).map( ( v ) => ( typeof v === 'number' ? v : NaN ) );
		const current = m.stats?.loss;
		if ( typeof current === 'number' && ( ! losses.length || losses[ losses.length - 1 ] !== current ) ) losses.push( current );
		return losses;
	}

	dot( context, x, y, color, r = 5 ) {
		context.fillStyle = color;
		context.beginPath();
		context.arc( x, y, r, 0, Math.PI * 2 );
		context.fill();
	}

	drawLoss( context, canvas, m ) {
		const losses = this.history( m );
		const { px, py } = this.lossCurve( context, canvas, losses );
		const current = losses[ losses.length - 1 ];
		if ( Number.isFinite( current ) ) this.dot( context, px( losses.length - 1 ), py( current ), css( '--bad' ) );
		this.text( context, `loss of this run, ${losses.length} points`, 36, 18, { align: 'left', size: 12, color: css( '--text-3' ) } );
		return Number.isFinite( current ) ? `The red dot is this batch: loss ${plainNumber( current, 3 )}. The curve is the real loss of this run.` : '';
	}

	drawDivergence( context, canvas, m ) {
		const d = m.data ?? {};
		const losses = this.history( m );
		const { px, py, pad, w } = this.lossCurve( context, canvas, losses );
		let minAt = - 1;
		losses.forEach( ( v, i ) => {
			if ( Number.isFinite( v ) && ( minAt < 0 || v < losses[ minAt ] ) ) minAt = i;
		} );
		if ( minAt >= 0 ) {
			context.setLineDash( [ 4, 4 ] );
			context.strokeStyle = css( '--good' );
			context.beginPath();
			context.moveTo( pad, py( losses[ minAt ] ) );
			context.lineTo( pad + w, py( losses[ minAt ] ) );
			context.stroke();
			context.setLineDash( [] );
			this.dot( context, px( minAt ), py( losses[ minAt ] ), css( '--good' ) );
		}
		const last = losses.length - 1;
		if ( Number.isFinite( losses[ last ] ) ) this.dot( context, px( last ), py( losses[ last ] ), css( '--bad' ) );
		else this.text( context, '∞', pad + w - 6, 44, { size: 20, color: css( '--bad' ), weight: 700 } );
		this.text( context, 'loss of this run', pad, 18, { align: 'left', size: 12, color: css( '--text-3' ) } );
		return `Green: the lowest loss, ${plainNumber( d.min_loss )} at batch ${d.min_loss_batch}. Red: now, ` +
			`${d.non_finite ? 'not a number' : plainNumber( d.loss )}${d.rising_batches ? `, after ${d.rising_batches} rising batches` : ''}. ` +
			`Learning rate ${plainNumber( d.learning_rate )}.`;
	}

	drawPlateau( context, canvas, m ) {
		const d = m.data ?? {};
		const losses = this.history( m );
		const { pad, top, w, h } = this.lossCurve( context, canvas, losses );
		// The flat stretch is the last `batches` of the run's batches so far, whatever the thinning.
		const total = m.stats ? globalBatch( m.stats ) : null;
		if ( total && d.batches ) {
			const share = Math.min( 1, d.batches / total );
			context.fillStyle = css( '--warn' );
			context.globalAlpha = 0.18;
			context.fillRect( pad + w * ( 1 - share ), top, w * share, h );
			context.globalAlpha = 1;
			this.text( context, `last ${d.batches} batches`, pad + w * ( 1 - share / 2 ), top + 14, { size: 12, color: css( '--warn' ) } );
		}
		this.text( context, 'loss of this run', pad, 18, { align: 'left', size: 12, color: css( '--text-3' ) } );
		return `Shaded: the flat stretch, the last ${d.batches} batches: smoothed loss ${plainNumber( d.loss_before, 3 )} → ` +
			`${plainNumber( d.loss, 3 )}. Learning rate ${plainNumber( d.learning_rate )}.`;
	}

	drawEpoch( context, m ) {
		const d = m.data ?? {};
		const colors = ( i ) => ( i % 2 ? css( '--accent' ) : css( '--text-3' ) );
		this.bars( context, [ d.train_accuracy, d.test_accuracy ], 30, 14, 230, 180, { labels: [ 'train', 'test' ], max: 1,
			colors, format: ( v ) => percent( v ) } );
		this.bars( context, [ d.train_loss, d.test_loss ], 310, 14, 230, 180, { labels: [ 'train', 'test' ], colors,
			format: ( v ) => plainNumber( v, 3 ) } );
		this.text( context, 'accuracy', 145, 12, { size: 12, color: css( '--text-3' ) } );
		this.text( context, 'loss', 425, 12, { size: 12, color: css( '--text-3' ) } );
		return `Epoch ${d.epoch}: accuracy ${percent( d.train_accuracy )} on the training images, ${percent( d.test_accuracy )} ` +
			`on the test images; loss ${plainNumber( d.train_loss, 3 )} (train) and ${plainNumber( d.test_loss, 3 )} (test).`;
	}

	drawDead( context, canvas, m ) {
		const d = m.data ?? {};
		const units = Math.max( 0, Number( d.units ) || 0 ), dead = Math.max( 0, Number( d.dead ) || 0 );
		if ( ! units ) return '';
		const cols = Math.ceil( Math.sqrt( units * 4 ) ), rows = Math.ceil( units / cols );
		const cell = Math.min( ( canvas.width - 40 ) / cols, ( canvas.height - 40 ) / rows );
		const x0 = ( canvas.width - cols * cell ) / 2;
		// The focus sample's activations of that layer give the live units their brightness.
		const acts = m.activations?.[ d.layer ];
		const maxAct = Math.max( 1e-9, ...( acts ?? [ 0 ] ) );
		const indices = Array.isArray( d.indices ) ? new Set( d.indices ) : null;
		for ( let k = 0; k < units; ++ k ) {
			const isDead = indices ? indices.has( k ) : k < dead;
			const x = x0 + ( k % cols ) * cell, y = 26 + Math.floor( k / cols ) * cell;
			context.fillStyle = isDead ? css( '--zero' ) : css( '--act' );
			context.globalAlpha = isDead ? 1 : 0.35 + 0.65 * Math.min( 1, ( acts?.[ k ] ?? 0 ) / maxAct );
			context.fillRect( x + 1, y + 1, cell - 2, cell - 2 );
			if ( isDead ) {
				context.globalAlpha = 1;
				context.strokeStyle = css( '--bad' );
				context.beginPath();
				context.moveTo( x + 3, y + 3 );
				context.lineTo( x + cell - 3, y + cell - 3 );
				context.stroke();
			}
		}
		context.globalAlpha = 1;
		this.text( context, `hidden layer ${d.layer}: ${dead} of ${units} neurons dead (${percent( d.fraction, 0 )})`, canvas.width / 2, 16,
			{ size: 13, weight: 600, color: css( '--text' ) } );
		return `Each square is one neuron of hidden layer ${d.layer}; crossed grey: dead, 0 on every test image ` +
			`(${dead} of ${units}${indices ? '' : ', counted, not in their places'}). Teal: alive, brighter = firing more for ${FOCUS.name}.`;
	}

	drawMistake( context, m ) {
		const d = m.data ?? {};
		const output = m.activations?.[ m.activations.length - 1 ];
		this.drawDigit( context, m.activations?.[ 0 ], 16, 20, 160 );
		if ( output ) {
			const colors = ( i ) => ( i === d.guess ? css( '--bad' ) : i === d.label ? css( '--good' )
				: i === d.runner_up ? css( '--warn' ) : css( '--text-3' ) );
			this.bars( context, Array.from( output ), 236, 14, 310, 180, { labels: output.map( ( _, i ) => String( i ) ), max: 1,
				colors, format: ( v ) => `${Math.round( v * 100 )}%` } );
		}
		return `A ${d.label}, read as a ${d.guess} with ${percent( d.confidence )} (red). Runner-up: ${d.runner_up} with ` +
			`${percent( d.runner_up_probability )} (yellow); the true digit ${d.label}: ${percent( d.true_probability )} (green).`;
	}
}
