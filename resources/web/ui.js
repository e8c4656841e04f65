// The page's controls and read-outs (DOM only): transport buttons, speed, learning rate,
// teaching switch, stats, connection indicator, role, banners and toasts. It renders the run
// state and reports what the user asked for through callbacks; it never talks to the server.

import { architectureText, plainNumber, verdictText, MOMENT_KINDS, MOMENT_LABELS, FOCUS, SPEED_NAMES, CLASS } from './strings.js';
import { sliderToSpeed, speedToSlider, paceText } from './pace.js';

const $ = ( id ) => document.getElementById( id );

export function formatLearningRate( lr ) {
	if ( ! Number.isFinite( lr ) ) return '–';
	return plainNumber( lr );
}

export function formatPercent( fraction, digits = 1 ) {
	return typeof fraction === 'number' && Number.isFinite( fraction ) ? `${( fraction * 100 ).toFixed( digits )}%` : '–';
}

export class Ui {
	constructor( handlers ) {
		this.handlers = handlers;
		this.draggingRate = false;
		this.canControl = false;
		this.driving = false;
		this.bind();
	}

	bind() {
		const h = this.handlers;
		$( 'play-pause' ).addEventListener( 'click', () => h.onPlayPause() );
		$( 'step-button' ).addEventListener( 'click', () => h.onStep() );
		$( 'stop-button' ).addEventListener( 'click', () => h.onStop() );
		for ( const input of document.querySelectorAll( 'input[name="speed"]' ) ) {
			input.addEventListener( 'change', () => h.onSpeed( input.value ) );
		}
		const pace = $( 'pace-slider' );
		pace.addEventListener( 'input', () => {
			this.draggingPace = true;
			const wanted = sliderToSpeed( pace.value );
			$( 'pace-text' ).textContent = wanted.mode ? `${SPEED_NAMES[ wanted.mode ]}` : paceText( wanted.pace );
		} );
		pace.addEventListener( 'change', () => {
			this.draggingPace = false;
			const wanted = sliderToSpeed( pace.value );
			if ( wanted.mode ) h.onSpeed( wanted.mode );
			else h.onPace( wanted.pace );
		} );
		$( 'moment-list' ).replaceChildren( ...MOMENT_KINDS.map( ( kind ) => {
			const li = document.createElement( 'li' );
			const label = document.createElement( 'label' );
			label.className = 'switch';
			const input = document.createElement( 'input' );
			input.type = 'checkbox';
			input.checked = true;
			input.dataset.moment = kind;
			input.addEventListener( 'change', () => h.onTeachingMoment( kind, input.checked ) );
			const track = document.createElement( 'span' );
			track.className = 'switch-track';
			track.setAttribute( 'aria-hidden', 'true' );
			label.append( input, track, ` ${MOMENT_LABELS[ kind ]}` );
			li.append( label );
			return li;
		} ) );
		const slider = $( 'lr-slider' );
		slider.addEventListener( 'input', () => {
			this.draggingRate = true;
			$( 'lr-value' ).textContent = formatLearningRate( 10 ** Number( slider.value ) );
		} );
		slider.addEventListener( 'change', () => {
			this.draggingRate = false;
			h.onLearningRate( + ( 10 ** Number( slider.value ) ).toPrecision( 3 ) );
		} );
		$( 'teaching-toggle' ).addEventListener( 'change', ( e ) => h.onTeachingMode( e.target.checked ) );
		$( 'theme-toggle' ).addEventListener( 'click', () => h.onToggleTheme() );
		$( 'connections-mode' ).addEventListener( 'change', ( e ) => h.onConnectionMode( e.target.value ) );
		$( 'particles-toggle' ).addEventListener( 'click', ( e ) => {
			const pressed = e.currentTarget.getAttribute( 'aria-pressed' ) !== 'true';
			e.currentTarget.setAttribute( 'aria-pressed', String( pressed ) );
			h.onParticles( pressed );
		} );
		$( 'fit-camera' ).addEventListener( 'click', () => h.onFit() );
		$( 'connection' ).addEventListener( 'click', () => h.onReconnect() );
	}

	setTheme( theme ) {
		document.documentElement.dataset.theme = theme;
		$( 'theme-toggle' ).setAttribute( 'aria-label', theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme' );
	}

	renderConnection( status ) {
		const element = $( 'connection' );
		const connected = status.state === 'connected';
		element.dataset.state = connected ? 'connected' : 'disconnected';
		element.dataset.phase = status.state === 'connecting' ? ( status.attempt ? 'reconnecting' : 'connecting' )
			: ( status.retryInMs ? 'reconnecting' : status.state );
		let text = 'Live';
		if ( status.state === 'connecting' ) text = status.attempt ? 'Reconnecting…' : 'Connecting…';
		else if ( status.state === 'disconnected' ) {
			text = status.retryInMs ? `Offline · retry in ${Math.ceil( status.retryInMs / 1000 )} s` : 'Offline';
		}
		$( 'connection-text' ).textContent = text;
		element.title = connected ? 'Connected to the training server' : 'Not connected: click to retry now';
	}

	// driving: the presenter handed this page the controls (the classroom's hand-off).
	renderRole( state, driving = this.driving ) {
		this.driving = driving;
		this.canControl = state.isController || driving;
		const badge = $( 'role-badge' );
		badge.textContent = state.isController ? 'Presenter' : driving ? 'Driver' : 'Viewer';
		badge.classList.toggle( 'controller', this.canControl );
		badge.title = state.isController ? 'You present: you can drive this run and hand the controls to someone'
			: driving ? CLASS.drivingNote : 'You are watching; the presenter drives the run';
		const note = $( 'viewer-note' );
		note.hidden = state.isController;
		note.classList.toggle( 'driving', !! driving );
		note.textContent = driving ? CLASS.drivingNote : CLASS.viewerNote;
		this.renderControls( state );
	}

	renderControls( state ) {
		const off = ! this.canControl;
		for ( const id of [ 'play-pause', 'step-button', 'lr-slider', 'teaching-toggle' ] ) $( id ).disabled = off;
		$( 'stop-button' ).disabled = off || ! state.training;
		$( 'architecture-open' ).disabled = off || state.training;
		$( 'architecture-open' ).title = off ? 'Only a controller can change the network'
			: state.training ? 'Stop the run to change the architecture' : 'Change the hidden layers';
		for ( const input of document.querySelectorAll( 'input[name="speed"], #moment-list input' ) ) input.disabled = off;
		$( 'pace-slider' ).disabled = off;
	}

	renderTraining( state ) {
		const button = $( 'play-pause' );
		// A teaching pause still counts as running: Pause holds its card until Continue.
		const running = state.training && ( ! state.paused || state.runState === 'teaching_pause' );
		button.classList.toggle( 'is-running', running );
		const label = running ? 'Pause' : state.training ? 'Resume' : 'Train';
		$( 'play-label' ).textContent = label;
		button.setAttribute( 'aria-label', running ? 'Pause training' : state.training ? 'Resume training' : 'Start training' );
		button.dataset.state = running ? 'running' : state.training ? 'paused' : 'idle';
		const pill = $( 'run-state' );
		const idle = { finished: 'Finished', stopped: 'Stopped', failed: 'Failed' }[ state.lastOutcome ] ?? 'Idle';
		pill.textContent = state.runState === 'teaching_pause' ? 'Teaching pause' : running ? 'Training'
			: state.runState === 'loading_data' ? 'Loading data' : state.runState === 'stopping' ? 'Stopping'
				: state.training ? 'Paused' : idle;
		pill.className = `state-pill ${running ? 'running' : state.training ? 'paused' : ''}`;
		this.renderControls( state );
	}

	renderStats( state ) {
		const { epoch, batch, batches_per_epoch: perEpoch, loss, accuracy } = state.stats;
		const epochs = state.settings.epochs;
		$( 'stat-epoch' ).textContent = epoch ? `${epoch}${epochs ? ` / ${epochs}` : ''}` : '–';
		$( 'stat-batch' ).textContent = batch ? `${batch}${perEpoch ? ` / ${perEpoch}` : ''}` : '–';
		$( 'stat-loss' ).textContent = typeof loss === 'number' && epoch ? loss.toFixed( 4 ) : '–';
		$( 'stat-accuracy' ).textContent = epoch ? formatPercent( accuracy ) : '–';
		const progress = state.progress();
		$( 'progress-bar' ).style.width = `${( progress ?? 0 ) * 100}%`;
		$( 'progress-text' ).textContent = progress === null ? '' : `${Math.round( progress * 100 )}% of the run`;
	}

	renderEpochs( state ) {
		const last = state.epochResults[ state.epochResults.length - 1 ];
		$( 'stat-test-accuracy' ).textContent = last ? `${formatPercent( last.test_accuracy, 2 )} (epoch ${last.epoch})` : '–';
		const list = $( 'epoch-list' );
		list.replaceChildren( ...state.epochResults.map( ( r ) => {
			const li = document.createElement( 'li' );
			li.innerHTML = `Epoch ${r.epoch}: <b>${formatPercent( r.test_accuracy, 2 )}</b>`;
			if ( typeof r.test_loss === 'number' ) li.title = `test loss ${r.test_loss.toFixed( 4 )}`;
			return li;
		} ) );
	}

	renderSettings( state ) {
		const { learning_rate: lr, speed, teaching_mode: teaching } = state.settings;
		if ( ! this.draggingRate && Number.isFinite( lr ) && lr > 0 ) {
			$( 'lr-slider' ).value = String( Math.log10( lr ) );
			$( 'lr-value' ).textContent = formatLearningRate( lr );
		}
		for ( const radio of document.querySelectorAll( 'input[name="speed"]' ) ) radio.checked = radio.value === speed;
		const pace = state.settings.pace;
		if ( ! this.draggingPace ) $( 'pace-slider' ).value = String( speedToSlider( speed, pace ) );
		this.setPace = { speed, pace };
		this.renderPace();
		$( 'teaching-toggle' ).checked = !! teaching;
		const moments = state.settings.teaching_moments;
		for ( const input of document.querySelectorAll( '#moment-list input' ) ) {
			input.checked = moments?.[ input.dataset.moment ] ?? true;
		}
		$( 'arch-summary' ).textContent = architectureText( state.architecture, state.activationNames );
	}

	// The speed as set, and the pace the run really has (batches/s measured from the updates).
	renderPace( actual = this.actualPace ) {
		this.actualPace = actual;
		if ( this.draggingPace || ! this.setPace ) return;
		const { speed, pace } = this.setPace;
		const name = SPEED_NAMES[ speed ] ?? speed;
		const set = typeof pace === 'number' ? paceText( pace ) : '';
		const now = typeof actual === 'number' ? ` · now ${actual >= 10 ? Math.round( actual ) : plainNumber( actual )}/s` : '';
		$( 'pace-text' ).textContent = `${name}${set ? `: ${set}` : ''}${now}`;
	}

	renderVerdict( state, onDraw ) {
		const box = $( 'verdict' );
		const text = state.training ? null : verdictText( state.verdict );
		box.hidden = ! text;
		if ( ! text ) return;
		box.dataset.outcome = state.verdict.outcome;
		$( 'verdict-title' ).textContent = text.title;
		$( 'verdict-detail' ).textContent = text.detail;
		$( 'verdict-detail' ).hidden = ! text.detail;
		const draw = $( 'verdict-draw' );
		draw.hidden = text.action !== 'draw';
		draw.onclick = onDraw;
	}

	renderViewers( count ) {
		$( 'viewers-count' ).textContent = String( count );
		$( 'viewers-badge' ).title = `${count} browser${count === 1 ? '' : 's'} watching this run`;
	}

	renderSample( update, paint ) {
		const chip = $( 'sample-chip' );
		if ( ! update || typeof update.label !== 'number' || ! update.activations?.[ 0 ] ) {
			chip.hidden = true;
			return;
		}
		chip.hidden = false;
		if ( ! this.sampleCanvas ) {
			this.sampleCanvas = document.createElement( 'canvas' );
			this.sampleCanvas.width = this.sampleCanvas.height = 28;
			this.sampleText = document.createElement( 'span' );
			chip.replaceChildren( this.sampleCanvas, this.sampleText );
		}
		paint( this.sampleCanvas, update.activations[ 0 ] );
		const right = update.label === update.prediction;
		this.sampleText.innerHTML = `The digit we follow: a <b>${update.label}</b> · the network says <b class="${right ? 'ok' : 'wrong'}">${update.prediction}</b> ${right ? '✓' : '✗'}`;
		chip.title = FOCUS.explain;
	}

	banner( text, kind = 'warn' ) {
		const element = $( 'banner' );
		element.hidden = ! text;
		element.textContent = text ?? '';
		element.className = `banner ${kind === 'error' ? 'error' : ''}`;
	}

	toast( text, kind = 'info', ms = 4500 ) {
		const element = document.createElement( 'div' );
		element.className = `toast ${kind}`;
		element.setAttribute( 'role', kind === 'error' ? 'alert' : 'status' );
		element.textContent = text;
		$( 'toasts' ).append( element );
		setTimeout( () => element.remove(), ms );
	}
}
