// The page's controls and read-outs (DOM only): transport buttons, speed, learning rate,
// teaching switch, stats, connection indicator, role, banners and toasts. It renders the run
// state and reports what the user asked for through callbacks; it never talks to the server.

const $ = ( id ) => document.getElementById( id );

export function formatLearningRate( lr ) {
	if ( ! Number.isFinite( lr ) ) return '–';
	return lr >= 0.001 ? String( + lr.toPrecision( 2 ) ) : lr.toExponential( 1 );
}

export function formatPercent( fraction, digits = 1 ) {
	return typeof fraction === 'number' && Number.isFinite( fraction ) ? `${( fraction * 100 ).toFixed( digits )}%` : '–';
}

export class Ui {
	constructor( handlers ) {
		this.handlers = handlers;
		this.draggingRate = false;
		this.canControl = false;
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

	renderRole( state ) {
		this.canControl = state.isController;
		const badge = $( 'role-badge' );
		badge.textContent = state.isController ? 'Controller' : 'Viewer';
		badge.classList.toggle( 'controller', state.isController );
		badge.title = state.isController ? 'You can drive this run' : 'You are watching; the teacher drives the run';
		const note = $( 'viewer-note' );
		note.hidden = state.isController;
		note.textContent = 'You are watching the shared run. The controls are for the teacher: open the page with the ' +
			'join link (…?token=…) to drive it. Drawing and predicting work for everyone.';
		this.renderControls( state );
	}

	renderControls( state ) {
		const off = ! this.canControl;
		for ( const id of [ 'play-pause', 'step-button', 'lr-slider', 'teaching-toggle' ] ) $( id ).disabled = off;
		$( 'stop-button' ).disabled = off || ! state.training;
		$( 'architecture-open' ).disabled = off || state.training;
		$( 'architecture-open' ).title = off ? 'Only a controller can change the network'
			: state.training ? 'Stop the run to change the architecture' : 'Change the hidden layers';
		for ( const input of document.querySelectorAll( 'input[name="speed"]' ) ) input.disabled = off;
	}

	renderTraining( state ) {
		const button = $( 'play-pause' );
		const running = state.training && ! state.paused;
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
		const radio = document.querySelector( `input[name="speed"][value="${speed}"]` );
		if ( radio ) radio.checked = true;
		$( 'teaching-toggle' ).checked = !! teaching;
		const hidden = state.architecture.slice( 1, - 1 ).map( ( n, i ) => `${n} ${state.activationNames[ i ] ?? 'relu'}` );
		$( 'arch-summary' ).textContent = `784 → ${hidden.join( ' → ' )}${hidden.length ? ' → ' : ''}10`;
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
		this.sampleText.innerHTML = `Focus sample: label <b>${update.label}</b> · predicted <b class="${right ? 'ok' : 'wrong'}">${update.prediction}</b> ${right ? '✓' : '✗'}`;
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
