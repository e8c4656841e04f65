// Talks to nnjourney-server: JSON over fetch for commands, the /ws WebSocket for the live run.
// No DOM here (runs under node for the tests): callers pass in fetch/WebSocket and get events.
// Reconnects by itself with exponential backoff; a ping watchdog catches silent dead links.
import { decodeFrame } from './binarywire.js';

export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 8000;
const PING_INTERVAL_MS = 15000;
const PONG_TIMEOUT_MS = 10000;

export class Emitter {
	constructor() {
		this.listeners = new Map();
	}

	on( type, callback ) {
		if ( ! this.listeners.has( type ) ) this.listeners.set( type, new Set() );
		this.listeners.get( type ).add( callback );
		return () => this.listeners.get( type ).delete( callback );
	}

	emit( type, payload ) {
		for ( const callback of this.listeners.get( type ) ?? [] ) callback( payload );
	}
}

// Delay before reconnect attempt `attempt` (0-based): 0.5 s, 1 s, 2 s, ... capped at 8 s.
export function backoffDelay( attempt ) {
	return Math.min( RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.max( 0, attempt ) );
}

// ws:// or wss:// URL of /ws for a page served from `pageUrl`, carrying the join token if any.
export function webSocketUrl( pageUrl, token ) {
	const url = new URL( '/ws', pageUrl );
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.hash = '';
	url.search = token ? `?token=${encodeURIComponent( token )}` : '';
	return url.toString();
}

/**
 * Events: 'status' {state: 'connecting'|'connected'|'disconnected', retryInMs?, attempt?},
 * 'message' (a parsed server message), 'protocol-error' {message, raw}.
 */
export class ApiClient extends Emitter {
	// fetch must not be called as a method of this object ("Illegal invocation"): wrap it.
	// wire: 'binary' asks the server for the compact binary frames (update, pause_moment, the
	// weights; docs/protocol.md "Binary frames"), 'json' keeps everything JSON text.
	constructor( { pageUrl, token = null, fetchImpl = ( ...args ) => globalThis.fetch( ...args ), WebSocketImpl = globalThis.WebSocket,
		timers = globalThis, wire = 'json' } ) {
		super();
		this.wire = wire;
		this.pageUrl = pageUrl;
		this.token = token;
		// The key the presenter's hand-off gave this page (control_granted): sent with every HTTP
		// command as X-NNJ-Driver while it drives; null otherwise.
		this.driverKey = null;
		this.fetchImpl = fetchImpl;
		this.WebSocketImpl = WebSocketImpl;
		this.timers = timers;
		this.socket = null;
		this.attempt = 0;
		this.closedByUser = false;
		this.reconnectTimer = null;
		this.pingTimer = null;
		this.pongTimer = null;
		this.state = 'disconnected';
	}

	// early: a WebSocket the page opened before its modules loaded ({socket, url, messages, closed},
	// index.html), taken over with what it received so far when it is for the same URL and alive.
	connect( early = null ) {
		this.closedByUser = false;
		if ( early?.socket && ! early.closed && early.socket.readyState <= 1 && early.url === webSocketUrl( this.pageUrl, this.token ) ) {
			this.adopt( early );
		} else {
			if ( early?.socket ) {
				early.socket.onclose = null;
				early.socket.close();
			}
			this.open();
		}
	}

	// Replays the buffered messages at once: call it when the page is ready for them.
	adopt( { socket, messages } ) {
		this.socket = socket;
		this.attach( socket );
		if ( socket.readyState === 1 ) socket.onopen();
		else this.setState( 'connecting', { attempt: this.attempt } );
		for ( const raw of messages.splice( 0 ) ) {
			if ( this.socket !== socket ) break;
			this.handleRaw( raw );
		}
	}

	close() {
		this.closedByUser = true;
		this.timers.clearTimeout( this.reconnectTimer );
		this.stopWatchdog();
		if ( this.socket ) this.socket.close();
		this.socket = null;
		this.setState( 'disconnected' );
	}

	// Reconnect immediately (the "retry now" button) instead of waiting for the backoff.
	reconnectNow() {
		this.timers.clearTimeout( this.reconnectTimer );
		this.attempt = 0;
		if ( this.state !== 'connected' ) this.open();
	}

	send( message ) {
		if ( ! this.socket || this.socket.readyState !== 1 ) return false;
		this.socket.send( JSON.stringify( message ) );
		return true;
	}

	open() {
		if ( this.socket ) {
			this.socket.onclose = null;
			this.socket.close();
		}
		this.setState( 'connecting', { attempt: this.attempt } );
		let socket;
		try {
			socket = new this.WebSocketImpl( webSocketUrl( this.pageUrl, this.token ) );
		} catch {
			this.scheduleReconnect();
			return;
		}
		this.socket = socket;
		this.attach( socket );
	}

	attach( socket ) {
		socket.binaryType = 'arraybuffer';
		socket.onopen = () => {
			this.attempt = 0;
			if ( this.wire === 'binary' ) this.send( { type: 'hello', wire: 'binary' } );
			this.setState( 'connected' );
			this.startWatchdog();
		};
		socket.onmessage = ( event ) => this.handleRaw( event.data );
		this.watchClose( socket );
	}

	watchClose( socket ) {
		socket.onerror = () => {}; // a close event always follows; reconnect happens there
		socket.onclose = () => {
			if ( this.socket !== socket ) return;
			this.socket = null;
			this.stopWatchdog();
			if ( ! this.closedByUser ) this.scheduleReconnect();
		};
	}

	handleRaw( raw ) {
		let message;
		if ( raw instanceof ArrayBuffer ) {
			try {
				message = decodeFrame( raw );
			} catch ( error ) {
				this.emit( 'protocol-error', { message: error.message, raw } );
				return;
			}
		} else {
			try {
				message = JSON.parse( raw );
			} catch ( error ) {
				this.emit( 'protocol-error', { message: `not JSON: ${error.message}`, raw } );
				return;
			}
		}
		if ( ! message || typeof message.type !== 'string' ) {
			this.emit( 'protocol-error', { message: 'message without a "type"', raw } );
			return;
		}
		if ( message.type === 'pong' ) {
			this.timers.clearTimeout( this.pongTimer );
			this.pongTimer = null;
			return;
		}
		this.emit( 'message', message );
	}

	scheduleReconnect() {
		const delay = backoffDelay( this.attempt );
		this.attempt += 1;
		this.setState( 'disconnected', { retryInMs: delay, attempt: this.attempt } );
		this.timers.clearTimeout( this.reconnectTimer );
		this.reconnectTimer = this.timers.setTimeout( () => this.open(), delay );
	}

	startWatchdog() {
		this.stopWatchdog();
		this.pingTimer = this.timers.setInterval( () => {
			if ( ! this.send( { type: 'ping' } ) || this.pongTimer ) return;
			this.pongTimer = this.timers.setTimeout( () => {
				// No pong: the link is dead even though no close event came. Start over.
				this.pongTimer = null;
				if ( this.socket ) this.socket.close();
			}, PONG_TIMEOUT_MS );
		}, PING_INTERVAL_MS );
	}

	stopWatchdog() {
		this.timers.clearInterval( this.pingTimer );
		this.timers.clearTimeout( this.pongTimer );
		this.pingTimer = null;
		this.pongTimer = null;
	}

	setState( state, extra = {} ) {
		this.state = state;
		this.emit( 'status', { state, ...extra } );
	}

	headers( json ) {
		const headers = {};
		if ( json ) headers[ 'Content-Type' ] = 'application/json';
		if ( this.token ) headers.Authorization = `Bearer ${this.token}`;
		if ( this.driverKey ) headers[ 'X-NNJ-Driver' ] = this.driverKey;
		return headers;
	}

	// Resolves to {ok, status, data}; ok is false for HTTP errors, "error" and "busy" answers.
	// Network failures resolve too (status 0) with a message.
	async request( method, path, { query = null, body = undefined } = {} ) {
		const url = new URL( path, this.pageUrl );
		if ( query ) for ( const [ key, value ] of Object.entries( query ) ) url.searchParams.set( key, String( value ) );
		try {
			const response = await this.fetchImpl( url.toString(), {
				method,
				headers: this.headers( body !== undefined ),
				body: body !== undefined ? JSON.stringify( body ) : undefined,
				credentials: 'same-origin',
			} );
			let data = null;
			const text = await response.text();
			try {
				data = text ? JSON.parse( text ) : null;
			} catch {
				data = { status: 'error', message: `server sent non-JSON (HTTP ${response.status})` };
			}
			// The original answers "busy" with HTTP 200, and so do we: it is still a refusal. So is
			// /get-weights' 200 "error" before any training ("No network available"): no weights yet.
			const refused = data?.status === 'error' || data?.status === 'busy';
			return { ok: response.ok && ! refused, status: response.status, data };
		} catch ( error ) {
			return { ok: false, status: 0, data: { status: 'error', message: `server unreachable: ${error.message}` } };
		}
	}

	get( path, options ) {
		return this.request( 'GET', path, options );
	}

	post( path, options ) {
		return this.request( 'POST', path, options );
	}

	// Commands (docs/protocol.md, "HTTP"). Each resolves to {ok, status, data}.
	startTraining() { return this.post( '/start-training' ); }
	stopTraining() { return this.post( '/stop-training' ); }
	pauseTraining() { return this.post( '/pause-training' ); }
	resumeTraining() { return this.post( '/resume-training' ); }
	stepTraining() { return this.post( '/step-training' ); }
	setLearningRate( lr ) { return this.post( '/set-learning-rate', { query: { lr } } ); }
	setSpeed( mode ) { return this.post( '/set-speed', { query: { mode } } ); }
	setTeachingMode( enabled ) { return this.post( '/set-teaching-mode', { query: { enabled } } ); }
	setPace( batchesPerSecond ) { return this.post( '/set-pace', { query: { batches_per_second: batchesPerSecond } } ); }
	// moments: {reason: bool, ...} -> /set-teaching-moments?first_forward=on&plateau=off
	setTeachingMoments( moments ) {
		const query = Object.fromEntries( Object.entries( moments ).map( ( [ reason, on ] ) => [ reason, on ? 'on' : 'off' ] ) );
		return this.post( '/set-teaching-moments', { query } );
	}
	getGlossary() { return this.get( '/api/glossary' ); }
	getJourney() { return this.get( '/api/journey' ); }
	setArchitecture( layers, activations ) { return this.post( '/set-architecture', { body: { layers, activations } } ); }
	getWeights() { return this.get( '/get-weights' ); }
	predict( pixels ) { return this.post( '/predict', { body: { pixels: Array.from( pixels ) } } ); }
}
