// Backprop particles: dots that travel backwards (output -> input) along the drawn connections.
// How many there are and how fast they move follow the real gradients of the latest update:
// per dense layer, mean |dL/dz| relative to the largest value seen in this run; which neuron a
// particle leaves from is drawn in proportion to that neuron's own |dL/dz|. three.js only.
import * as THREE from 'three';

const MAX_PARTICLES = 900;
const MAX_PER_LAYER = 260;

function dotTexture() {
	const size = 64;
	const canvas = document.createElement( 'canvas' );
	canvas.width = canvas.height = size;
	const context = canvas.getContext( '2d' );
	const gradient = context.createRadialGradient( size / 2, size / 2, 0, size / 2, size / 2, size / 2 );
	gradient.addColorStop( 0, 'rgba(255,255,255,1)' );
	gradient.addColorStop( 0.4, 'rgba(255,255,255,0.8)' );
	gradient.addColorStop( 1, 'rgba(255,255,255,0)' );
	context.fillStyle = gradient;
	context.fillRect( 0, 0, size, size );
	return new THREE.CanvasTexture( canvas );
}

export class BackpropParticles {
	constructor( parent ) {
		this.positions = new Float32Array( MAX_PARTICLES * 3 );
		this.geometry = new THREE.BufferGeometry();
		this.geometry.setAttribute( 'position', new THREE.BufferAttribute( this.positions, 3 ).setUsage( THREE.DynamicDrawUsage ) );
		this.geometry.setDrawRange( 0, 0 );
		this.texture = dotTexture();
		this.material = new THREE.PointsMaterial( { size: 1.1, map: this.texture, transparent: true,
			depthWrite: false, blending: THREE.AdditiveBlending, color: 0xf472b6 } );
		this.points = new THREE.Points( this.geometry, this.material );
		this.points.frustumCulled = false;
		parent.add( this.points );
		this.particles = []; // {line, t, speed}
		this.levels = []; // per dense layer, 0..1
		this.neuronWeights = []; // per dense layer: cumulative |dL/dz| per target neuron
		this.maxSeen = [];
		this.linesByTarget = []; // per dense layer: Map(target -> [line indices])
		this.lineEnds = null; // Float32Array(count * 6): start xyz (source), end xyz (target)
	}

	// Additive glow reads well on a dark background; on a light one it would vanish.
	setLook( color, additive ) {
		this.material.color.set( color );
		// Additive: THREE.AdditiveBlending's colour (src * alpha + dst), but the alpha is left as it
		// is, so that over a transparent canvas (scene.js renderCached) the compositor adds the glow
		// to the picture underneath exactly as drawing over it would.
		this.material.blending = additive ? THREE.CustomBlending : THREE.NormalBlending;
		this.material.blendEquation = THREE.AddEquation;
		this.material.blendSrc = THREE.SrcAlphaFactor;
		this.material.blendDst = THREE.OneFactor;
		this.material.blendSrcAlpha = THREE.ZeroFactor;
		this.material.blendDstAlpha = THREE.OneFactor;
		this.material.needsUpdate = true;
	}

	// The connection set the particles ride on, with its endpoints.
	setLines( connections, lineEnds ) {
		this.lineEnds = lineEnds;
		this.linesByTarget = [];
		for ( let k = 0; k < connections.count; ++ k ) {
			const d = connections.layer[ k ];
			this.linesByTarget[ d ] ??= new Map();
			const map = this.linesByTarget[ d ];
			if ( ! map.has( connections.to[ k ] ) ) map.set( connections.to[ k ], [] );
			map.get( connections.to[ k ] ).push( k );
		}
		this.particles = [];
		this.geometry.setDrawRange( 0, 0 );
	}

	resetRun() {
		this.maxSeen = [];
		this.levels = [];
		this.particles = [];
		this.geometry.setDrawRange( 0, 0 );
	}

	// gradients: per dense layer, |dL/dz| per neuron; layerGradients: per dense layer mean.
	setGradients( gradients, layerGradients ) {
		if ( ! Array.isArray( layerGradients ) ) return;
		this.levels = layerGradients.map( ( g, d ) => {
			this.maxSeen[ d ] = Math.max( this.maxSeen[ d ] ?? 0, g );
			return this.maxSeen[ d ] > 0 ? g / this.maxSeen[ d ] : 0;
		} );
		this.neuronWeights = ( gradients ?? [] ).map( ( row ) => {
			const cumulative = new Float64Array( row.length );
			let sum = 0;
			row.forEach( ( g, j ) => {
				sum += Math.abs( g );
				cumulative[ j ] = sum;
			} );
			return cumulative;
		} );
	}

	hasWork() {
		return this.levels.some( ( level ) => level > 0.001 ) && this.lineEnds !== null;
	}

	pickTarget( d, random ) {
		const cumulative = this.neuronWeights[ d ];
		const map = this.linesByTarget[ d ];
		if ( ! map || map.size === 0 ) return null;
		if ( cumulative && cumulative.length && cumulative[ cumulative.length - 1 ] > 0 ) {
			const r = random * cumulative[ cumulative.length - 1 ];
			let lo = 0, hi = cumulative.length - 1;
			while ( lo < hi ) {
				const mid = ( lo + hi ) >> 1;
				if ( cumulative[ mid ] < r ) lo = mid + 1; else hi = mid;
			}
			if ( map.has( lo ) ) return map.get( lo );
		}
		const keys = [ ...map.keys() ];
		return map.get( keys[ Math.floor( random * keys.length ) ] );
	}

	// Advances by dt seconds and writes positions. Returns the number of live particles.
	update( dt ) {
		if ( ! this.lineEnds ) return 0;
		const alive = [];
		for ( const p of this.particles ) {
			p.t += p.speed * dt;
			if ( p.t < 1 ) alive.push( p );
		}
		this.particles = alive;
		this.levels.forEach( ( level, d ) => {
			const wanted = Math.round( MAX_PER_LAYER * level );
			let have = 0;
			for ( const p of this.particles ) if ( p.layer === d ) ++ have;
			// Spawn gradually (a share per frame) so particles stream instead of arriving in waves.
			const spawn = Math.min( wanted - have, Math.ceil( wanted * dt * 1.5 ) );
			for ( let s = 0; s < spawn && this.particles.length < MAX_PARTICLES; ++ s ) {
				const lines = this.pickTarget( d, Math.random() );
				if ( ! lines ) break;
				const line = lines[ Math.floor( Math.random() * lines.length ) ];
				this.particles.push( { layer: d, line, t: 0, speed: 0.35 + 1.4 * level } );
			}
		} );
		const ends = this.lineEnds;
		this.particles.forEach( ( p, n ) => {
			const o = p.line * 6;
			// t = 0 at the target neuron (later layer), 1 at the source: backwards flow.
			for ( let axis = 0; axis < 3; ++ axis ) {
				this.positions[ n * 3 + axis ] = ends[ o + 3 + axis ] + ( ends[ o + axis ] - ends[ o + 3 + axis ] ) * p.t;
			}
			this.positions[ n * 3 + 2 ] += 0.05;
		} );
		this.geometry.setDrawRange( 0, this.particles.length );
		this.geometry.attributes.position.needsUpdate = true;
		return this.particles.length;
	}

	clear() {
		this.particles = [];
		this.geometry.setDrawRange( 0, 0 );
	}

	setVisible( visible ) {
		this.points.visible = visible;
	}

	dispose() {
		this.geometry.dispose();
		this.material.dispose();
		this.texture.dispose();
	}
}
