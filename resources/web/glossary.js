// The glossary: the 18 terms of /api/glossary (the same file the desktop app reads), shown as a
// searchable list with two levels (plain words, or with the formula), opened from Help and from
// every term link on the page (cards, captions, the tour). `linkSegments` is pure (unit-tested):
// it finds the terms in a sentence so callers can turn them into links.

const $ = ( id ) => document.getElementById( id );

// Words that name a term in running text, besides the term's own name (plurals, variants).
const ALIASES = { neuron: [ 'neurons' ], weight: [ 'weights' ], bias: [ 'biases' ], activation: [ 'activations' ],
	gradient: [ 'gradients' ], epoch: [ 'epochs' ], batch: [ 'batches' ], 'learning-rate': [ 'learning rate' ],
	'test-set': [ 'test set', 'test digits', 'test images' ], backpropagation: [ 'backward pass' ] };

function escapeRegExp( text ) {
	return text.replace( /[.*+?^${}()|[\]\\]/g, '\\$&' );
}

// Splits `text` into [{text}, {text, term}] where each term's first mention becomes {term: id}.
export function linkSegments( text, terms ) {
	const names = [];
	for ( const t of terms ) {
		for ( const name of [ t.term, ...( ALIASES[ t.id ] ?? [] ) ] ) names.push( { name, id: t.id } );
	}
	names.sort( ( a, b ) => b.name.length - a.name.length ); // "learning rate" before "rate"
	if ( ! names.length || ! text ) return [ { text: text ?? '' } ];
	const pattern = new RegExp( `(?<![\\p{L}\\p{N}-])(${names.map( ( n ) => escapeRegExp( n.name ) ).join( '|' )})(?![\\p{L}\\p{N}-])`, 'giu' );
	const segments = [];
	const seen = new Set();
	let at = 0;
	for ( const match of text.matchAll( pattern ) ) {
		const id = names.find( ( n ) => n.name.toLowerCase() === match[ 0 ].toLowerCase() ).id;
		if ( seen.has( id ) ) continue;
		seen.add( id );
		if ( match.index > at ) segments.push( { text: text.slice( at, match.index ) } );
		segments.push( { text: match[ 0 ], term: id } );
		at = match.index + match[ 0 ].length;
	}
	if ( at < text.length ) segments.push( { text: text.slice( at ) } );
	return segments;
}

// Entries whose name or text contains every word of `query` (case-insensitive).
export function searchTerms( terms, query ) {
	const words = String( query ?? '' ).toLowerCase().split( /\s+/ ).filter( Boolean );
	return terms.filter( ( t ) => {
		const haystack = `${t.term} ${t.plain} ${t.formula}`.toLowerCase();
		return words.every( ( w ) => haystack.includes( w ) );
	} );
}

export class GlossaryViewer {
	// onEntry(id): an entry was opened (read).
	constructor( { onEntry } ) {
		this.terms = [];
		this.onEntry = onEntry;
		this.level = 'plain';
		this.dialog = $( 'glossary' );
		$( 'glossary-search' ).addEventListener( 'input', () => this.render() );
		$( 'glossary-close' ).addEventListener( 'click', () => this.close() );
		for ( const input of document.querySelectorAll( 'input[name="glossary-level"]' ) ) {
			input.addEventListener( 'change', () => {
				this.level = input.value;
				this.render();
			} );
		}
		this.dialog.addEventListener( 'keydown', ( e ) => {
			if ( e.key === 'Escape' ) {
				e.stopPropagation();
				this.close();
			}
		} );
	}

	setTerms( terms ) {
		this.terms = terms;
		if ( ! this.dialog.hidden ) this.render();
	}

	get isOpen() {
		return ! this.dialog.hidden;
	}

	// Opens the list; with `id`, that entry open and in view.
	open( id = null ) {
		this.returnFocus = document.activeElement;
		this.dialog.hidden = false;
		if ( id ) $( 'glossary-search' ).value = '';
		this.render( id );
		if ( id ) {
			this.onEntry( id );
			document.getElementById( `glossary-${id}` )?.scrollIntoView( { block: 'nearest' } );
		} else {
			$( 'glossary-search' ).focus( { preventScroll: true } );
		}
	}

	close() {
		this.dialog.hidden = true;
		this.returnFocus?.focus?.( { preventScroll: true } );
	}

	render( openId = null ) {
		const list = $( 'glossary-list' );
		const shown = searchTerms( this.terms, $( 'glossary-search' ).value );
		$( 'glossary-count' ).textContent = `${shown.length} of ${this.terms.length} terms`;
		list.replaceChildren( ...shown.map( ( t ) => {
			const entry = document.createElement( 'details' );
			entry.className = 'glossary-entry';
			entry.id = `glossary-${t.id}`;
			entry.setAttribute( 'data-testid', 'glossary-term' );
			entry.dataset.term = t.id;
			entry.open = t.id === openId;
			const summary = document.createElement( 'summary' );
			summary.textContent = t.term;
			const body = document.createElement( 'p' );
			body.textContent = this.level === 'formula' ? t.formula : t.plain;
			if ( this.level === 'formula' ) body.className = 'formula';
			entry.append( summary, body );
			if ( t.see?.length ) {
				const see = document.createElement( 'p' );
				see.className = 'fine-print';
				see.append( 'See also: ' );
				t.see.forEach( ( id, k ) => {
					const other = this.terms.find( ( x ) => x.id === id );
					if ( ! other ) return;
					if ( k ) see.append( ', ' );
					see.append( termLink( other.term, id, ( target ) => this.open( target ) ) );
				} );
				entry.append( see );
			}
			entry.addEventListener( 'toggle', () => {
				if ( entry.open ) this.onEntry( t.id );
			} );
			return entry;
		} ) );
	}
}

// A button that opens the glossary at `id`.
export function termLink( text, id, open ) {
	const link = document.createElement( 'button' );
	link.type = 'button';
	link.className = 'term-link';
	link.dataset.term = id;
	link.textContent = text;
	link.title = 'Open in the glossary';
	link.addEventListener( 'click', ( e ) => {
		e.stopPropagation();
		open( id );
	} );
	return link;
}

// `text` as DOM nodes with each term's first mention a link (see linkSegments).
export function linkedText( text, terms, open ) {
	return linkSegments( text, terms ).map( ( s ) => ( s.term ? termLink( s.text, s.term, open ) : document.createTextNode( s.text ) ) );
}
