// The classroom's model (docs/protocol.md "Classroom"): who is here, who drives, the class
// gallery and whether this page follows the presenter's view. Pure data, no DOM, so the message
// handling, the ordering and the follow rules are unit-tested under node.
import { CLASS } from './strings.js';

export const MAX_NAME_LENGTH = 24;
export const GALLERY_LIMIT = 200;
export const CLASSROOM_MESSAGES = new Set( [ 'participants', 'control', 'control_granted', 'gallery_item', 'gallery_removed',
	'gallery_show', 'presenter_view' ] );

// Whitespace runs become one space; control, format (bidi overrides, zero-width joiners),
// surrogate, unassigned and private-use characters go; at most 24 characters (code points).
// The server does the same (server/classroom/participants.cpp): this shows the name as the
// class will see it before it is sent.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Co}]/u;
export function cleanName( raw ) {
	let cleaned = '';
	let length = 0;
	let pendingSpace = false;
	for ( const c of String( raw ?? '' ) ) {
		if ( /\s/u.test( c ) ) {
			pendingSpace = cleaned.length > 0;
			continue;
		}
		if ( HIDDEN.test( c ) ) continue;
		if ( length + ( pendingSpace ? 2 : 1 ) > MAX_NAME_LENGTH ) break;
		if ( pendingSpace ) {
			cleaned += ' ';
			length += 1;
			pendingSpace = false;
		}
		cleaned += c;
		length += 1;
	}
	return cleaned;
}

// 'phone' for a touch-first small screen, else 'computer' (what hello's `device` says).
export function deviceKind( { coarsePointer, width, height } ) {
	return coarsePointer && Math.min( width, height ) <= 820 ? 'phone' : 'computer';
}

// The name to show for a participant: the one they gave, else "Guest 7".
export function displayName( participant ) {
	return participant?.name ? participant.name : CLASS.guest( participant?.client_id ?? '?' );
}

// "just now", "3 min", "1 h 5 min" since `sinceMs` (server clock; never negative).
export function sinceText( sinceMs, nowMs ) {
	const minutes = Math.floor( Math.max( 0, nowMs - sinceMs ) / 60000 );
	return CLASS.since( minutes );
}

const ROLE_ORDER = { driver: 1, presenter: 2, viewer: 3 };

// Raised hands first (the longest waiting first), then the driver, the presenters, everyone
// else; within a group in the order they joined.
export function sortParticipants( list ) {
	return [ ...list ].sort( ( a, b ) => ( ( b.hand_raised ? 1 : 0 ) - ( a.hand_raised ? 1 : 0 ) ) ||
		( ( ROLE_ORDER[ a.role ] ?? 4 ) - ( ROLE_ORDER[ b.role ] ?? 4 ) ) ||
		( ( a.since_ms ?? 0 ) - ( b.since_ms ?? 0 ) ) || String( a.client_id ).localeCompare( String( b.client_id ) ) );
}

// The header badge: "You drive", "Ada drives" or "The presenter drives".
export function driverText( participants, driverId, selfId ) {
	if ( ! driverId ) return CLASS.presenterDrives;
	if ( driverId === selfId ) return CLASS.youDrive;
	return CLASS.drives( displayName( participants.find( ( p ) => p.client_id === driverId ) ?? { client_id: driverId } ) );
}

const isPixels = ( value ) => Array.isArray( value ) && value.length === 784 && value.every( ( x ) => typeof x === 'number' );
const isVector3 = ( value ) => Array.isArray( value ) && value.length === 3 && value.every( ( x ) => Number.isFinite( x ) );

// A presenter_view camera as a follower can use it: the sender's frame ('page' when not said),
// position and target when both are vectors, the orbit from home when its numbers are; null
// when neither part is usable.
function cameraOf( camera ) {
	if ( ! camera || typeof camera !== 'object' ) return null;
	const frame = camera.frame === 'window' ? 'window' : 'page';
	const vectors = isVector3( camera.position ) && isVector3( camera.target );
	const o = camera.orbit;
	const orbit = o && [ o.yaw, o.pitch, o.zoom ].every( Number.isFinite ) && o.zoom > 0 ? { yaw: o.yaw, pitch: o.pitch, zoom: o.zoom } : null;
	if ( ! vectors && ! orbit ) return null;
	return { frame, ...( vectors ? { position: camera.position, target: camera.target } : {} ), ...( orbit ? { orbit } : {} ) };
}

/**
 * The classroom as this page knows it. apply(message) returns {changed: Set, error?}; changed
 * names: 'self', 'participants', 'control', 'key', 'gallery', 'shown', 'view'.
 */
export class ClassroomState {
	constructor() {
		this.selfId = null;
		this.presenter = false; // this page proved control (token or loopback)
		this.participants = [];
		this.driver = null;
		this.driverKey = null; // ours while we drive (control_granted)
		this.gallery = new Map(); // id -> item, in arrival order
		this.shownId = null;
		this.presenterView = null; // the last presenter_view
		this.lanUrl = null;
		this.joinUrl = null;
	}

	get isDriver() {
		return !! this.selfId && this.driver === this.selfId;
	}

	get self() {
		return this.participants.find( ( p ) => p.client_id === this.selfId ) ?? null;
	}

	get handRaised() {
		return !! this.self?.hand_raised;
	}

	apply( message ) {
		const changed = new Set();
		const fail = ( error ) => ( { changed: new Set(), error: `${message?.type}: ${error}` } );
		switch ( message?.type ) {
		case 'connected':
			this.selfId = typeof message.client_id === 'string' ? message.client_id : null;
			this.presenter = message.role === 'controller';
			// Where the class can reach the server, when the server says (a presenter only).
			this.lanUrl = Array.isArray( message.lan_urls ) && typeof message.lan_urls[ 0 ] === 'string' ? message.lan_urls[ 0 ] : null;
			this.joinUrl = typeof message.join_url === 'string' && message.join_url ? message.join_url : null;
			changed.add( 'self' );
			break;
		case 'participants':
			if ( ! Array.isArray( message.participants ) ) return fail( 'participants must be an array' );
			this.participants = message.participants.filter( ( p ) => p && typeof p.client_id === 'string' );
			changed.add( 'participants' );
			break;
		case 'control': {
			const driver = typeof message.driver === 'string' ? message.driver : null;
			if ( driver !== this.driver ) changed.add( 'control' );
			this.driver = driver;
			if ( ! this.isDriver && this.driverKey ) {
				this.driverKey = null; // void once revoked
				changed.add( 'key' );
			}
			break;
		}
		case 'control_granted':
			if ( typeof message.driver_key !== 'string' || ! message.driver_key ) return fail( 'driver_key must be a string' );
			this.driverKey = message.driver_key;
			changed.add( 'key' );
			break;
		case 'gallery_item': {
			if ( ! Number.isFinite( message.id ) || ! isPixels( message.pixels ) ) return fail( 'id and 784 pixels expected' );
			const item = { ...message };
			delete item.type;
			this.gallery.set( message.id, item );
			changed.add( 'gallery' );
			break;
		}
		case 'gallery_removed':
			if ( message.cleared ) this.gallery.clear();
			for ( const id of Array.isArray( message.ids ) ? message.ids : [] ) this.gallery.delete( id );
			if ( this.shownId !== null && ! this.gallery.has( this.shownId ) ) this.shownId = null;
			changed.add( 'gallery' );
			break;
		case 'gallery_show':
			if ( ! this.gallery.has( message.id ) ) return fail( `no drawing ${message.id}` );
			this.shownId = message.id;
			changed.add( 'shown' );
			break;
		case 'presenter_view':
			this.presenterView = {
				camera: cameraOf( message.camera ),
				selected: message.selected && Number.isInteger( message.selected.layer ) && Number.isInteger( message.selected.neuron )
					? message.selected : null,
				view: typeof message.view === 'string' ? message.view : null,
			};
			changed.add( 'view' );
			break;
		default:
			return fail( 'not a classroom message' );
		}
		return { changed };
	}

	// The gallery, newest first.
	galleryItems() {
		return [ ...this.gallery.values() ].reverse();
	}
}

/**
 * Whether this page follows the presenter's view. A viewer follows by default; moving the
 * camera or picking a neuron itself breaks away; "Follow again" returns (and jumps to the
 * presenter's last view). The presenter never follows.
 */
export class FollowState {
	constructor() {
		this.following = true;
	}

	// What to do with a presenter_view: the view to apply, or null.
	onPresenterView( view, { presenter } ) {
		return this.following && ! presenter ? view : null;
	}

	// The person moved the camera or picked a neuron. Returns true when that broke away.
	onOwnMove() {
		if ( ! this.following ) return false;
		this.following = false;
		return true;
	}

	breakAway() {
		this.following = false;
	}

	// Returns the view to jump to (the presenter's last one, or null when none came yet).
	followAgain( lastView ) {
		this.following = true;
		return lastView ?? null;
	}
}

// Camera coordinates on the wire are those of the page's landscape (horizontal) layout: a page
// in portrait (layout flowing top to bottom) turns them by a quarter turn about the z axis, so a
// phone and a projector look at the same part of the network from the same side.
export function toWireFrame( [ x, y, z ], orientation ) {
	return orientation === 'vertical' ? [ - y, x, z ] : [ x, y, z ];
}

export function fromWireFrame( [ x, y, z ], orientation ) {
	return orientation === 'vertical' ? [ y, - x, z ] : [ x, y, z ];
}

const round = ( v ) => Math.round( v * 100 ) / 100;

// The presenter's side: sends its view at most `maxPerSecond` times a second and only when it
// changed (camera to 0.01 units); the last change is sent at the end of a burst (trailing), so
// followers always end where the presenter stopped.
export class ViewSender {
	constructor( { send, timers = globalThis, maxPerSecond = 5, now = () => Date.now() } ) {
		this.send = send;
		this.timers = timers;
		this.interval = 1000 / maxPerSecond;
		this.now = now;
		this.lastKey = null;
		this.lastAt = - Infinity;
		this.pending = null;
		this.timer = null;
	}

	static key( view ) {
		const camera = view.camera ? [ ...view.camera.position, ...view.camera.target ].map( round ).join() : '';
		return `${camera}|${view.selected ? `${view.selected.layer}.${view.selected.neuron}` : ''}|${view.view ?? ''}`;
	}

	// Offers the current view; returns true when it was sent now.
	offer( view ) {
		const key = ViewSender.key( view );
		if ( key === this.lastKey && ! this.pending ) return false;
		const wait = this.lastAt + this.interval - this.now();
		if ( wait > 0 ) {
			this.pending = view;
			if ( ! this.timer ) {
				this.timer = this.timers.setTimeout( () => {
					this.timer = null;
					const next = this.pending;
					this.pending = null;
					if ( next ) this.offer( next );
				}, wait );
			}
			return false;
		}
		this.pending = null;
		if ( key === this.lastKey ) return false;
		this.lastKey = key;
		this.lastAt = this.now();
		this.send( view );
		return true;
	}

	// After a reconnection the server may have lost the view: send it again on the next offer.
	reset() {
		this.lastKey = null;
	}
}
