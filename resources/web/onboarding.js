// The first-visit tour: five short steps (the 3D network, the controls, drawing, the charts, the
// journey), each pointing at its part of the page. Skip, Next and Escape; seen once per browser
// profile (localStorage), reopened from Help.
import { ONBOARDING } from './strings.js';

const $ = ( id ) => document.getElementById( id );
export const ONBOARDING_KEY = 'nnj.onboarding.v1';

export class Onboarding {
	// storage: localStorage-like; termLinks(ids) -> nodes linking to the glossary.
	// onFinish(): the tour closed (skipped or done).
	constructor( { storage, termLinks, onFinish = () => {} } ) {
		this.storage = storage;
		this.onFinish = onFinish;
		this.termLinks = termLinks;
		this.step = - 1;
		this.panel = $( 'onboarding' );
		$( 'onboarding-skip' ).addEventListener( 'click', () => this.finish() );
		$( 'onboarding-next' ).addEventListener( 'click', () => this.next() );
	}

	get seen() {
		try {
			return this.storage?.getItem( ONBOARDING_KEY ) === 'done';
		} catch {
			return true; // storage blocked: never nag on every visit
		}
	}

	get visible() {
		return ! this.panel.hidden;
	}

	start() {
		this.step = - 1;
		this.panel.hidden = false;
		this.next();
	}

	next() {
		this.mark( null );
		this.step += 1;
		if ( this.step >= ONBOARDING.length ) {
			this.finish();
			return;
		}
		const s = ONBOARDING[ this.step ];
		$( 'onboarding-step' ).textContent = `Tour · ${this.step + 1} of ${ONBOARDING.length}`;
		$( 'onboarding-title' ).textContent = s.title;
		$( 'onboarding-text' ).textContent = s.text;
		const links = this.termLinks( s.terms );
		$( 'onboarding-terms' ).replaceChildren( ...( links.length ? [ 'Words: ', ...links ] : [] ) );
		$( 'onboarding-next' ).textContent = this.step === ONBOARDING.length - 1 ? 'Start exploring' : 'Next';
		this.panel.dataset.step = String( this.step );
		this.mark( $( s.target ) );
		$( 'onboarding-next' ).focus( { preventScroll: true } );
	}

	// Rings the step's part of the page and keeps it in view.
	mark( element ) {
		this.marked?.classList.remove( 'tour-target' );
		this.marked = element;
		if ( ! element ) return;
		element.classList.add( 'tour-target' );
		( element.closest( '.card' ) ?? element ).scrollIntoView( { block: 'nearest' } );
	}

	finish() {
		this.mark( null );
		this.panel.hidden = true;
		try {
			this.storage?.setItem( ONBOARDING_KEY, 'done' );
		} catch { /* not remembered */ }
		this.onFinish();
	}
}
