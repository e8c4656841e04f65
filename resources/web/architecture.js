// The architecture builder dialog: add/remove hidden layers, neurons 1..1024 and an activation
// per layer, a live parameter count, and a confirmation step before the reset (applying a new
// architecture replaces the weights). Validation mirrors core::Architecture's limits.
import { parameterCount } from './inference.js';

export const MAX_HIDDEN_LAYERS = 8; // core allows 10 layers in all: input + 8 hidden + output
export const MAX_NEURONS = 1024;
export const MAX_PARAMETERS = 5000000;
const ACTIVATIONS = [ [ 'relu', 'ReLU' ], [ 'sigmoid', 'Sigmoid' ], [ 'tanh', 'Tanh' ] ];

// Returns an error text naming the problem, or '' when [784, ..., 10] with these activations is valid.
export function validateArchitecture( hidden ) {
	if ( hidden.length > MAX_HIDDEN_LAYERS ) return `At most ${MAX_HIDDEN_LAYERS} hidden layers.`;
	for ( const [ index, layer ] of hidden.entries() ) {
		if ( ! Number.isInteger( layer.size ) || layer.size < 1 || layer.size > MAX_NEURONS ) {
			return `Hidden layer ${index + 1}: neurons must be a whole number from 1 to ${MAX_NEURONS}.`;
		}
		if ( ! ACTIVATIONS.some( ( [ value ] ) => value === layer.activation ) ) {
			return `Hidden layer ${index + 1}: unknown activation "${layer.activation}".`;
		}
	}
	const count = parameterCount( [ 784, ...hidden.map( ( l ) => l.size ), 10 ] );
	if ( count > MAX_PARAMETERS ) return `${count.toLocaleString( 'en-US' )} parameters: the limit is ${MAX_PARAMETERS.toLocaleString( 'en-US' )}.`;
	return '';
}

export class ArchitectureDialog {
	constructor( { onApply } ) {
		this.dialog = document.getElementById( 'architecture-dialog' );
		this.list = document.getElementById( 'arch-layers' );
		this.onApply = onApply;
		this.hidden = [];
		this.confirming = false;
		document.getElementById( 'arch-add' ).addEventListener( 'click', () => {
			if ( this.hidden.length >= MAX_HIDDEN_LAYERS ) return;
			this.read();
			const last = this.hidden[ this.hidden.length - 1 ];
			this.hidden.push( { size: last ? Math.max( 1, Math.round( last.size / 2 ) ) : 64, activation: last?.activation ?? 'relu' } );
			this.build();
		} );
		document.getElementById( 'arch-apply' ).addEventListener( 'click', () => this.apply() );
		this.list.addEventListener( 'input', () => this.refresh() );
		this.list.addEventListener( 'change', () => this.refresh() );
		this.dialog.addEventListener( 'close', () => { this.confirming = false; } );
	}

	open( sizes, activationNames ) {
		this.hidden = sizes.slice( 1, - 1 ).map( ( size, i ) => ( { size, activation: activationNames[ i ] ?? 'relu' } ) );
		this.confirming = false;
		this.build();
		this.dialog.showModal();
	}

	close() {
		if ( this.dialog.open ) this.dialog.close();
	}

	build() {
		const fixed = ( name, text ) => {
			const li = document.createElement( 'li' );
			li.className = 'fixed';
			li.innerHTML = `<span class="layer-name">${name}</span><span>${text}</span>`;
			return li;
		};
		const rows = this.hidden.map( ( layer, index ) => {
			const li = document.createElement( 'li' );
			const id = `arch-size-${index}`;
			li.innerHTML = `<label class="layer-name" for="${id}">Hidden ${index + 1}</label>
				<input id="${id}" type="number" min="1" max="${MAX_NEURONS}" step="1" required inputmode="numeric"
					value="${layer.size}" aria-label="Neurons in hidden layer ${index + 1}">
				<select aria-label="Activation of hidden layer ${index + 1}">
					${ACTIVATIONS.map( ( [ v, t ] ) => `<option value="${v}"${v === layer.activation ? ' selected' : ''}>${t}</option>` ).join( '' )}
				</select>
				<button class="icon-button small" type="button" aria-label="Remove hidden layer ${index + 1}">✕</button>`;
			li.querySelector( 'button' ).addEventListener( 'click', () => {
				this.read();
				this.hidden.splice( index, 1 );
				this.build();
			} );
			return li;
		} );
		this.list.replaceChildren( fixed( 'Input', '784 pixels (28×28)' ), ...rows, fixed( 'Output', '10 digits · Softmax' ) );
		document.getElementById( 'arch-add' ).disabled = this.hidden.length >= MAX_HIDDEN_LAYERS;
		this.refresh();
	}

	read() {
		const items = [ ...this.list.querySelectorAll( 'li:not(.fixed)' ) ];
		this.hidden = items.map( ( li ) => ( { size: Number( li.querySelector( 'input' ).value ),
			activation: li.querySelector( 'select' ).value } ) );
	}

	refresh() {
		this.read();
		const error = validateArchitecture( this.hidden );
		const sizes = [ 784, ...this.hidden.map( ( l ) => l.size ), 10 ];
		document.getElementById( 'arch-params' ).textContent = sizes.every( Number.isFinite )
			? parameterCount( sizes ).toLocaleString( 'en-US' ) : '–';
		document.getElementById( 'arch-error' ).textContent = error;
		document.getElementById( 'arch-apply' ).disabled = !! error;
		this.confirming = false;
		document.getElementById( 'arch-confirm' ).hidden = true;
		document.getElementById( 'arch-apply' ).textContent = 'Apply…';
	}

	// First click asks for confirmation (training is reset), the second applies.
	async apply() {
		this.read();
		if ( validateArchitecture( this.hidden ) ) return;
		if ( ! this.confirming ) {
			this.confirming = true;
			document.getElementById( 'arch-confirm' ).hidden = false;
			document.getElementById( 'arch-apply' ).textContent = 'Reset & apply';
			return;
		}
		const error = await this.onApply( [ 784, ...this.hidden.map( ( l ) => l.size ), 10 ], this.hidden.map( ( l ) => l.activation ) );
		if ( error ) {
			document.getElementById( 'arch-error' ).textContent = error;
			this.confirming = false;
			document.getElementById( 'arch-confirm' ).hidden = true;
			document.getElementById( 'arch-apply' ).textContent = 'Apply…';
		} else {
			this.close();
		}
	}
}
