// The classroom on the page (DOM only): the name question, the participants card with the
// hand-off buttons, who drives (header badge), the "following the presenter" pill, the class
// gallery, the phone's drawing pad for the class and the presenter's invite dialog with its QR
// code. Everything other people wrote (names) goes in with textContent, never as markup. It
// renders ClassroomState and reports what the person asked for through callbacks.
import { CLASS, percent } from './strings.js';
import { displayName, sinceText, sortParticipants, driverText } from './classroom.js';
import { paintDigit } from './drawing.js';

const $ = ( id ) => document.getElementById( id );

function el( tag, props = {}, ...children ) {
	const node = document.createElement( tag );
	for ( const [ key, value ] of Object.entries( props ) ) {
		if ( key === 'dataset' ) Object.assign( node.dataset, value );
		else if ( key.startsWith( 'aria-' ) || key === 'title' || key === 'role' ) node.setAttribute( key, value );
		else node[ key ] = value;
	}
	node.append( ...children.filter( ( c ) => c !== null && c !== undefined ) );
	return node;
}

const ICONS = {
	phone: 'M8 2.5h8a1.5 1.5 0 0 1 1.5 1.5v16a1.5 1.5 0 0 1-1.5 1.5H8A1.5 1.5 0 0 1 6.5 20V4A1.5 1.5 0 0 1 8 2.5ZM11 18.5h2',
	computer: 'M3.5 5h17v11h-17zM9 20h6M12 16v4',
	// A raised hand (drawn, not an emoji: not every screen has an emoji font).
	hand: 'M8 13V5.5a1.5 1.5 0 0 1 3 0V11M11 10V4a1.5 1.5 0 0 1 3 0v6M14 10V5a1.5 1.5 0 0 1 3 0v6.5M17 9.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-1a6 6 0 0 1-5-2.7L4.3 15a1.6 1.6 0 0 1 2.6-1.9L8 14.5',
};

function icon( kind ) {
	const svg = document.createElementNS( 'http://www.w3.org/2000/svg', 'svg' );
	svg.setAttribute( 'viewBox', '0 0 24 24' );
	svg.setAttribute( 'aria-hidden', 'true' );
	svg.classList.add( kind === 'hand' ? 'hand-icon' : 'device-icon' );
	const path = document.createElementNS( 'http://www.w3.org/2000/svg', 'path' );
	path.setAttribute( 'd', ICONS[ kind ] ?? ICONS.computer );
	svg.append( path );
	return svg;
}

/**
 * handlers: {onName(name), onSkipName(), onRaiseHand(raised), onGrant(clientId), onRevoke(),
 * onShow(id), onHide(id), onClear(), onFollowToggle(), onSubmitPad()}.
 */
export class ClassroomUi {
	constructor( handlers ) {
		this.h = handlers;
		this.fillStrings();
		this.bind();
	}

	fillStrings() {
		const text = {
			'class-pad-title': CLASS.padTitle, 'class-pad-hint': CLASS.padHint, 'class-pad-sees': CLASS.padSees,
			'class-pad-clear': CLASS.clear, 'class-pad-submit': CLASS.submit, 'invite-open': CLASS.invite,
			'self-name-label': `${CLASS.nameLabel}:`, 'self-name-change': CLASS.changeName, 'gallery-title': CLASS.galleryTitle,
			'gallery-clear': CLASS.clearAll, 'gallery-empty': CLASS.galleryEmpty, 'name-prompt-title': CLASS.askName,
			'name-prompt-help': CLASS.askNameHelp, 'name-join': CLASS.join, 'name-skip': CLASS.skip,
			'invite-title': CLASS.inviteTitle, 'invite-students-help': CLASS.studentsLink, 'invite-students-copy': CLASS.copy,
			'invite-presenter-copy': CLASS.copy, 'send-drawing': CLASS.submit, 'give-back': CLASS.giveBack,
		};
		for ( const [ id, value ] of Object.entries( text ) ) $( id ).textContent = value;
		$( 'name-input' ).placeholder = CLASS.namePlaceholder;
		$( 'invite-close' ).setAttribute( 'aria-label', CLASS.close );
		$( 'give-back' ).title = CLASS.giveBackTitle;
		$( 'raise-hand' ).title = CLASS.raiseHandTitle;
		$( 'send-drawing' ).title = CLASS.submitTitle;
		$( 'class-pad-submit' ).title = CLASS.submitTitle;
		$( 'follow-toggle' ).title = CLASS.breakAwayTitle;
		$( 'class-pad-canvas' ).setAttribute( 'aria-label', CLASS.padTitle );
		$( 'class-pad-preview' ).setAttribute( 'aria-label', CLASS.padSees );
	}

	bind() {
		const h = this.h;
		$( 'name-prompt' ).addEventListener( 'submit', ( e ) => {
			e.preventDefault();
			h.onName( $( 'name-input' ).value );
		} );
		$( 'name-skip' ).addEventListener( 'click', () => h.onSkipName() );
		$( 'self-name-change' ).addEventListener( 'click', () => h.onChangeName() );
		$( 'raise-hand' ).addEventListener( 'click', ( e ) => h.onRaiseHand( e.currentTarget.getAttribute( 'aria-pressed' ) !== 'true' ) );
		$( 'give-back' ).addEventListener( 'click', () => h.onRevoke() );
		$( 'gallery-clear' ).addEventListener( 'click', () => {
			if ( confirm( CLASS.clearAllConfirm ) ) h.onClear();
		} );
		$( 'follow-toggle' ).addEventListener( 'click', () => h.onFollowToggle() );
		$( 'invite-open' ).addEventListener( 'click', () => h.onInvite() );
		$( 'invite-close' ).addEventListener( 'click', () => $( 'invite-dialog' ).close() );
		$( 'invite-dialog' ).addEventListener( 'click', ( e ) => {
			if ( e.target === e.currentTarget ) e.currentTarget.close(); // a click on the backdrop
		} );
		$( 'participants' ).addEventListener( 'click', ( e ) => {
			const button = e.target.closest( 'button[data-action]' );
			if ( ! button ) return;
			if ( button.dataset.action === 'grant' ) h.onGrant( button.dataset.client );
			else if ( button.dataset.action === 'revoke' ) h.onRevoke();
		} );
		$( 'class-gallery' ).addEventListener( 'click', ( e ) => {
			const button = e.target.closest( 'button[data-action]' );
			if ( ! button ) return;
			const id = Number( button.dataset.id );
			if ( button.dataset.action === 'show' ) h.onShow( id );
			else if ( button.dataset.action === 'hide' ) h.onHide( id );
		} );
	}

	// ---- The name question ----
	askName( name ) {
		$( 'name-input' ).value = name ?? '';
		$( 'name-prompt' ).hidden = false;
		$( 'name-input' ).focus( { preventScroll: true } );
	}

	closeNamePrompt() {
		$( 'name-prompt' ).hidden = true;
	}

	get namePromptOpen() {
		return ! $( 'name-prompt' ).hidden;
	}

	// ---- Participants, control, the header badge ----
	render( room, { now = Date.now(), driving = false } = {} ) {
		const presenter = room.presenter;
		const self = room.self;
		$( 'self-name' ).textContent = self?.name || CLASS.noName;
		$( 'self-name' ).classList.toggle( 'unnamed', ! self?.name );
		$( 'invite-open' ).hidden = ! presenter;
		$( 'gallery-clear' ).hidden = ! presenter || room.gallery.size === 0;
		const hand = $( 'raise-hand' );
		hand.hidden = presenter || driving;
		hand.setAttribute( 'aria-pressed', String( room.handRaised ) );
		hand.replaceChildren( icon( 'hand' ), room.handRaised ? CLASS.lowerHand : CLASS.raiseHand );
		$( 'give-back' ).hidden = ! driving;
		$( 'class-count' ).textContent = room.participants.length ? `· ${room.participants.length}` : '';

		const badge = $( 'driver-badge' );
		badge.hidden = ! room.selfId;
		badge.textContent = driverText( room.participants, room.driver, room.selfId );
		badge.classList.toggle( 'driving', !! room.driver );
		badge.classList.toggle( 'self', driving );

		const people = sortParticipants( room.participants );
		const list = $( 'participants' );
		if ( people.length <= 1 && presenter ) {
			list.replaceChildren( el( 'li', { className: 'empty-note' }, CLASS.nobody ) );
			return;
		}
		list.replaceChildren( ...people.map( ( p ) => this.participantRow( p, room, now ) ) );
	}

	participantRow( p, room, now ) {
		const name = displayName( p );
		const you = p.client_id === room.selfId;
		const since = sinceText( p.since_ms ?? now, now );
		const nameNode = el( 'span', { className: `participant-name${p.name ? '' : ' unnamed'}`, textContent: name } );
		const meta = el( 'span', { className: 'participant-meta' } );
		meta.append( el( 'span', { className: `role-chip ${p.role}`, textContent: CLASS.roles[ p.role ] ?? p.role } ) );
		if ( you ) meta.append( el( 'span', { className: 'you', textContent: `(${CLASS.you})` } ) );
		meta.append( el( 'span', { className: 'since', textContent: since, title: CLASS.sinceTitle( since ) } ) );
		const row = el( 'li', { className: 'participant', dataset: { client: p.client_id, role: p.role, hand: String( !! p.hand_raised ) } },
			el( 'span', { className: 'device', title: CLASS.device[ p.device ] ?? '' }, icon( p.device ) ),
			el( 'span', { className: 'participant-text' }, nameNode, meta ) );
		row.setAttribute( 'data-testid', 'participant' );
		if ( p.hand_raised ) row.append( el( 'span', { className: 'hand', title: CLASS.handRaised, role: 'img', 'aria-label': CLASS.handRaised }, icon( 'hand' ) ) );
		if ( room.presenter && p.role !== 'presenter' ) {
			const driving = p.client_id === room.driver;
			const button = el( 'button', { type: 'button', className: `button small-button${driving ? '' : ' primary'}`,
				textContent: driving ? CLASS.takeBack : CLASS.giveControl,
				title: driving ? CLASS.takeBackTitle( name ) : CLASS.giveControlTitle( name ),
				dataset: { action: driving ? 'revoke' : 'grant', client: p.client_id } } );
			if ( ! p.hand_raised ) button.classList.remove( 'primary' );
			row.append( button );
		}
		return row;
	}

	// The phone pad's own line: what became of the last drawing sent.
	padStatus( text ) {
		$( 'class-pad-status' ).textContent = text;
	}

	// Whether the phone's pad is on screen (a phone-size page).
	get padShown() {
		return getComputedStyle( $( 'class-pad-card' ) ).display !== 'none';
	}

	// ---- Following the presenter ----
	renderFollow( { visible, following } ) {
		const pill = $( 'follow-pill' );
		pill.hidden = ! visible;
		pill.dataset.following = String( following );
		$( 'follow-text' ).textContent = following ? CLASS.following : CLASS.freeLooking;
		const button = $( 'follow-toggle' );
		button.textContent = following ? CLASS.breakAway : CLASS.followAgain;
		button.title = following ? CLASS.breakAwayTitle : CLASS.followTitle;
	}

	// ---- The class gallery ----
	renderGallery( room ) {
		const items = room.galleryItems();
		$( 'gallery-count' ).textContent = items.length ? CLASS.galleryCount( items.length ) : '';
		$( 'gallery-empty' ).hidden = items.length > 0;
		$( 'gallery-clear' ).hidden = ! room.presenter || items.length === 0;
		const list = $( 'class-gallery' );
		list.classList.toggle( 'with-actions', room.presenter ); // a list with buttons, else tiles
		const known = new Map( [ ...list.children ].map( ( li ) => [ Number( li.dataset.id ), li ] ) );
		const rows = items.map( ( item ) => {
			const row = known.get( item.id ) ?? this.galleryRow( item, room );
			row.classList.toggle( 'shown', item.id === room.shownId );
			return row;
		} );
		list.replaceChildren( ...rows );
	}

	galleryRow( item, room ) {
		const canvas = el( 'canvas', { width: 28, height: 28 } );
		paintDigit( canvas, item.pixels );
		const p = item.probabilities?.[ item.prediction ];
		const name = item.name || CLASS.guest( item.client_id ?? '?' );
		const confidence = typeof p === 'number' ? percent( p, 0 ) : '–';
		const row = el( 'li', { className: 'gallery-item', dataset: { id: String( item.id ) } }, canvas,
			el( 'span', { className: 'gallery-guess' }, el( 'b', { textContent: String( item.prediction ) } ),
				el( 'span', { className: 'gallery-confidence', textContent: confidence } ) ),
			el( 'span', { className: 'gallery-name', textContent: name } ) );
		row.setAttribute( 'data-testid', 'gallery-item' );
		row.title = CLASS.galleryItem( name, item.prediction, confidence );
		canvas.setAttribute( 'aria-label', row.title );
		if ( room.presenter ) {
			row.append( el( 'span', { className: 'gallery-actions' },
				el( 'button', { type: 'button', className: 'button small-button primary', textContent: CLASS.show, title: CLASS.showTitle,
					dataset: { action: 'show', id: String( item.id ) } } ),
				el( 'button', { type: 'button', className: 'button small-button', textContent: CLASS.hide, title: CLASS.hideTitle,
					dataset: { action: 'hide', id: String( item.id ) } } ) ) );
		}
		return row;
	}

	// The presenter may have become one after the rows were built: rebuild them all.
	resetGallery() {
		$( 'class-gallery' ).replaceChildren();
	}

	// ---- Invite dialog (presenter) ----
	// links: {students, presenter|null, loopback}; drawQr(canvas, text) -> Promise<boolean>.
	openInvite( links, drawQr ) {
		const dialog = $( 'invite-dialog' );
		$( 'invite-students-url' ).value = links.students;
		$( 'invite-warning' ).hidden = ! links.loopback;
		$( 'invite-warning' ).textContent = CLASS.loopbackWarning;
		const toggle = $( 'invite-presenter-toggle' );
		const setPresenterOpen = ( open ) => {
			$( 'invite-presenter' ).hidden = ! open;
			toggle.setAttribute( 'aria-expanded', String( open ) );
			toggle.textContent = open ? CLASS.hidePresenterLink : CLASS.showPresenterLink;
			const shown = open && links.presenter ? links.presenter : links.students;
			$( 'invite-qr-caption' ).textContent = CLASS.qrCaption( open && links.presenter ? 'presenter' : 'students\'' );
			dialog.dataset.qrFor = open && links.presenter ? 'presenter' : 'students';
			drawQr( $( 'invite-qr' ), shown ).then( ( ok ) => {
				if ( ! ok ) $( 'invite-qr-caption' ).textContent = CLASS.qrUnavailable;
			} );
		};
		toggle.onclick = () => setPresenterOpen( $( 'invite-presenter' ).hidden );
		$( 'invite-presenter-help' ).textContent = links.presenter ? CLASS.presenterLink : CLASS.noPresenterLink;
		$( 'invite-presenter-row' ).hidden = ! links.presenter;
		$( 'invite-presenter-url' ).value = links.presenter ?? '';
		const copy = ( input ) => async () => {
			try {
				await navigator.clipboard.writeText( input.value );
				this.h.toast( CLASS.copied );
			} catch {
				input.select();
				this.h.toast( CLASS.copyFailed, 'busy' );
			}
		};
		$( 'invite-students-copy' ).onclick = copy( $( 'invite-students-url' ) );
		$( 'invite-presenter-copy' ).onclick = copy( $( 'invite-presenter-url' ) );
		setPresenterOpen( false );
		if ( ! dialog.open ) dialog.showModal();
	}
}

// Draws `text` as a QR code on `canvas` (dark modules on white with the standard 4-module quiet
// zone), with qrcode-generator loaded on first use. Resolves to false when it cannot.
let qrLibrary = null;
export async function drawQrCode( canvas, text, sizePx = 264 ) {
	try {
		qrLibrary ??= import( 'qrcode' );
		const { default: qrcode } = await qrLibrary;
		const qr = qrcode( 0, 'M' );
		qr.addData( text );
		qr.make();
		const modules = qr.getModuleCount();
		const quiet = 4;
		const cell = Math.max( 2, Math.floor( sizePx / ( modules + 2 * quiet ) ) );
		const side = cell * ( modules + 2 * quiet );
		canvas.width = side;
		canvas.height = side;
		const context = canvas.getContext( '2d' );
		context.fillStyle = '#ffffff';
		context.fillRect( 0, 0, side, side );
		context.fillStyle = '#000000';
		for ( let r = 0; r < modules; ++ r ) {
			for ( let c = 0; c < modules; ++ c ) {
				if ( qr.isDark( r, c ) ) context.fillRect( ( c + quiet ) * cell, ( r + quiet ) * cell, cell, cell );
			}
		}
		canvas.dataset.modules = String( modules );
		return true;
	} catch ( error ) {
		qrLibrary = null;
		console.warn( `QR code: ${error.message}` );
		return false;
	}
}
