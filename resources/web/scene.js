// The 3D network (three.js only, no page DOM besides its canvas): one InstancedMesh per layer,
// coloured by the activations of the latest update; weight-coloured connection lines; backprop
// particles; orbit camera that fits the network. Renders on demand, and runs an animation loop
// only while particles fly. Structure: init / onWindowResize / render (three.js manual).
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { layoutNetwork } from './layout.js';
import { toWireFrame, fromWireFrame } from './classroom.js';
import { selectConnections } from './connections.js';
import { BackpropParticles } from './particles.js';

export const THEMES = {
	// Activations: brightness of teal; signed weights: orange (+), blue (−), grey (0).
	dark: { background: '#0b1020', ramp: [ '#142026', '#0f5f5a', '#14b8a6', '#5eead4', '#e6fffb' ],
		positive: '#fb923c', negative: '#38bdf8', neutral: '#6b7280', label: '#c7d2e4', muted: '#7d8ba3',
		particle: '#f472b6', additive: true, selection: '#fde047' },
	light: { background: '#f4f6fb', ramp: [ '#e3ebea', '#99e6da', '#14b8a6', '#0f766e', '#053d38' ],
		positive: '#ea580c', negative: '#0284c7', neutral: '#9ca3af', label: '#1f2937', muted: '#64748b',
		particle: '#db2777', additive: false, selection: '#d97706' },
};

function rampLut( stops ) {
	const colors = stops.map( ( c ) => new THREE.Color( c ) );
	const lut = new Float32Array( 256 * 3 );
	for ( let k = 0; k < 256; ++ k ) {
		const x = ( k / 255 ) * ( colors.length - 1 );
		const i = Math.min( colors.length - 2, Math.floor( x ) );
		const c = colors[ i ].clone().lerp( colors[ i + 1 ], x - i );
		lut.set( [ c.r, c.g, c.b ], k * 3 );
	}
	return lut;
}

const PICK_RADIUS_PX = 12;
const LABEL_MIN_PX = 15;
const LABEL_FONT_SHARE = 56 / 72; // of a label sprite's height (textSprite: 56 px font on 72 px)

// backdrop: a translucent plate behind the text, so it reads over the connections.
function textSprite( text, color, height, weight = 600, backdrop = null ) {
	const canvas = document.createElement( 'canvas' );
	const context = canvas.getContext( '2d' );
	const font = `${weight} 56px system-ui, "Segoe UI", Roboto, sans-serif`;
	context.font = font;
	canvas.width = Math.ceil( context.measureText( text ).width ) + 16;
	canvas.height = 72;
	if ( backdrop ) {
		context.fillStyle = backdrop;
		context.globalAlpha = 0.72;
		context.beginPath();
		context.roundRect( 0, 4, canvas.width, 66, 16 );
		context.fill();
		context.globalAlpha = 1;
	}
	context.font = font;
	context.fillStyle = color;
	context.textBaseline = 'middle';
	context.fillText( text, 8, 38 );
	const texture = new THREE.CanvasTexture( canvas );
	texture.colorSpace = THREE.SRGBColorSpace;
	const sprite = new THREE.Sprite( new THREE.SpriteMaterial( { map: texture, transparent: true, depthWrite: false } ) );
	sprite.scale.set( height * canvas.width / canvas.height, height, 1 );
	return sprite;
}

// The WebGL renderer's name, from a throwaway context (decides the quality settings up front).
function rendererName() {
	try {
		const gl = document.createElement( 'canvas' ).getContext( 'webgl2' );
		const info = gl?.getExtension( 'WEBGL_debug_renderer_info' );
		const name = gl ? String( gl.getParameter( info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER ) ) : '';
		gl?.getExtension( 'WEBGL_lose_context' )?.loseContext();
		return name;
	} catch {
		return '';
	}
}

// Software rasterisers (SwiftShader, llvmpipe) draw every pixel on the CPU: no MSAA there, and
// the drawing resolution adapts so animation stays fluid. They also run an instanced draw as one
// draw per instance (SwiftShader: 784 input pixels cost more than everything else together), so
// there each layer's neurons are baked into one mesh (mergedLayer for the input pixels,
// impostorLayer for the spheres: 4 vertices instead of 140 triangles each), and the connections
// and labels, which only change with the camera and the weights, are drawn once and reused
// (renderCached). The instanced meshes stay, invisible, for picking. docs/web-rendering.md has
// the measurements. ?aa=0|1, ?pr=<ratio>, ?merge=0|1 and ?cache=0|1 override.
function qualitySettings() {
	const query = new URL( location.href ).searchParams;
	const name = rendererName();
	const software = /swiftshader|llvmpipe|softpipe|software/i.test( name );
	const dpr = window.devicePixelRatio || 1;
	const fixedRatio = Number( query.get( 'pr' ) );
	const maxRatio = fixedRatio > 0 ? fixedRatio : Math.min( dpr, software ? 1 : 2 );
	return { name, software, antialias: query.has( 'aa' ) ? query.get( 'aa' ) !== '0' : ! software,
		merge: query.has( 'merge' ) ? query.get( 'merge' ) !== '0' : software,
		cache: query.has( 'cache' ) ? query.get( 'cache' ) !== '0' : software,
		maxRatio, minRatio: fixedRatio > 0 ? fixedRatio : Math.min( maxRatio, software ? 0.45 : 0.75 ), ratio: maxRatio };
}

// One layer's neurons as a single mesh: the neuron geometry copied to every neuron's position,
// with the neuron's colour as a vertex colour (setNeuronColor writes all of its vertices).
function mergedLayer( geometry, layer, instancedMaterial ) {
	const position = geometry.attributes.position.array;
	const normal = geometry.attributes.normal.array;
	const index = geometry.index.array;
	const vertices = position.length / 3;
	const count = layer.count;
	const positions = new Float32Array( count * vertices * 3 );
	const normals = new Float32Array( count * vertices * 3 );
	const colors = new Float32Array( count * vertices * 3 );
	const indices = new Uint32Array( count * index.length );
	for ( let k = 0; k < count; ++ k ) {
		const x = layer.positions[ k * 3 ], y = layer.positions[ k * 3 + 1 ], z = layer.positions[ k * 3 + 2 ];
		const base = k * vertices * 3;
		for ( let v = 0; v < vertices * 3; v += 3 ) {
			positions[ base + v ] = position[ v ] + x;
			positions[ base + v + 1 ] = position[ v + 1 ] + y;
			positions[ base + v + 2 ] = position[ v + 2 ] + z;
		}
		normals.set( normal, base );
		for ( let i = 0; i < index.length; ++ i ) indices[ k * index.length + i ] = index[ i ] + k * vertices;
	}
	const merged = new THREE.BufferGeometry();
	merged.setAttribute( 'position', new THREE.BufferAttribute( positions, 3 ) );
	merged.setAttribute( 'normal', new THREE.BufferAttribute( normals, 3 ) );
	merged.setAttribute( 'color', new THREE.BufferAttribute( colors, 3 ).setUsage( THREE.DynamicDrawUsage ) );
	merged.setIndex( new THREE.BufferAttribute( indices, 1 ) );
	merged.computeBoundingSphere();
	const material = instancedMaterial.clone();
	material.vertexColors = true;
	const mesh = new THREE.Mesh( merged, material );
	mesh.userData.setNeuronColor = ( k, color ) => {
		for ( let v = k * vertices * 3, end = ( k + 1 ) * vertices * 3; v < end; v += 3 ) {
			colors[ v ] = color.r;
			colors[ v + 1 ] = color.g;
			colors[ v + 2 ] = color.b;
		}
	};
	return mesh;
}

// Objects that only change with the camera, the canvas size, the theme and the weights.
const STATIC_LAYER = 1;

// Lambert shading of a sphere drawn as a camera-facing quad (an impostor): the fragment's
// normal follows from where it lies on the quad. The same lights as the scene (hemisphere + sun);
// MeshLambertMaterial's formula (diffuse / PI * irradiance), colours in linear RGB.
const impostorVertexShader = /* glsl */ `
	attribute vec2 corner;
	attribute vec3 color;
	uniform float radius;
	varying vec2 vCorner;
	varying vec3 vColor;
	void main() {
		vCorner = corner;
		vColor = color;
		vec4 center = modelViewMatrix * vec4( position, 1.0 );
		// The quad stands at the sphere's front (so it hides what is inside, like the particles
		// that leave from the neuron), scaled to keep the sphere's size on screen.
		float scale = max( 0.0, 1.0 - radius / max( - center.z, 1e-3 ) );
		center.xyz *= scale;
		center.xy += corner * radius * scale;
		gl_Position = projectionMatrix * center;
	}`;
const impostorFragmentShader = /* glsl */ `
	uniform vec3 sky;
	uniform vec3 ground;
	uniform vec3 sunColor;
	uniform vec3 sunDirection;
	varying vec2 vCorner;
	varying vec3 vColor;
	void main() {
		float r2 = dot( vCorner, vCorner );
		if ( r2 > 1.0 ) discard;
		vec3 normal = normalize( ( vec4( vCorner, sqrt( 1.0 - r2 ), 0.0 ) * viewMatrix ).xyz ); // view -> world
		vec3 irradiance = mix( ground, sky, 0.5 * normal.y + 0.5 ) + sunColor * max( dot( normal, sunDirection ), 0.0 );
		gl_FragColor = vec4( vColor * irradiance * 0.3183098862, 1.0 ); // 1 / PI
		#include <colorspace_fragment>
	}`;

// One layer of spheres as impostors in one mesh (4 vertices per neuron), for software renderers,
// where triangle setup dominates: 128 spheres of 140 triangles cost more than all the pixels.
function impostorLayer( layer, lights ) {
	const count = layer.count;
	const positions = new Float32Array( count * 12 );
	const corners = new Float32Array( count * 8 );
	const colors = new Float32Array( count * 12 );
	const indices = new Uint32Array( count * 6 );
	const quad = [ - 1, - 1, 1, - 1, 1, 1, - 1, 1 ];
	for ( let k = 0; k < count; ++ k ) {
		for ( let v = 0; v < 4; ++ v ) positions.set( layer.positions.subarray( k * 3, k * 3 + 3 ), k * 12 + v * 3 );
		corners.set( quad, k * 8 );
		const b = k * 4;
		indices.set( [ b, b + 1, b + 2, b, b + 2, b + 3 ], k * 6 );
	}
	const geometry = new THREE.BufferGeometry();
	geometry.setAttribute( 'position', new THREE.BufferAttribute( positions, 3 ) );
	geometry.setAttribute( 'corner', new THREE.BufferAttribute( corners, 2 ) );
	geometry.setAttribute( 'color', new THREE.BufferAttribute( colors, 3 ).setUsage( THREE.DynamicDrawUsage ) );
	geometry.setIndex( new THREE.BufferAttribute( indices, 1 ) );
	geometry.computeBoundingSphere();
	geometry.boundingSphere.radius += layer.radius;
	const { hemisphere, sun } = lights;
	const material = new THREE.ShaderMaterial( {
		uniforms: {
			radius: { value: layer.radius },
			sky: { value: hemisphere.color.clone().multiplyScalar( hemisphere.intensity ) },
			ground: { value: hemisphere.groundColor.clone().multiplyScalar( hemisphere.intensity ) },
			sunColor: { value: sun.color.clone().multiplyScalar( sun.intensity ) },
			sunDirection: { value: sun.position.clone().sub( sun.target.position ).normalize() },
		},
		vertexShader: impostorVertexShader, fragmentShader: impostorFragmentShader,
	} );
	const mesh = new THREE.Mesh( geometry, material );
	mesh.userData.setNeuronColor = ( k, color ) => {
		for ( let v = k * 12; v < k * 12 + 12; v += 3 ) {
			colors[ v ] = color.r;
			colors[ v + 1 ] = color.g;
			colors[ v + 2 ] = color.b;
		}
	};
	return mesh;
}

// A camera offset as angles: azimuth about +y (right-handed, 0 along +z), elevation above the
// x-z plane, and its length.
function spherical( v ) {
	const length = v.length();
	return { azimuth: Math.atan2( v.x, v.z ), elevation: Math.asin( Math.max( - 1, Math.min( 1, v.y / Math.max( 1e-9, length ) ) ) ), length };
}

export class NetworkScene {
	// onCamera(): the camera moved (by the person, a fit or a flight); onOwnCamera(): the person
	// started moving it (a drag, the wheel, the keys).
	constructor( canvas, { onPick = () => {}, onCamera = () => {}, onOwnCamera = () => {}, theme = 'dark' } = {} ) {
		this.canvas = canvas;
		this.onPick = onPick;
		this.onCamera = onCamera;
		this.onOwnCamera = onOwnCamera;
		this.sizes = [ 784, 128, 64, 10 ];
		this.activationNames = [ 'relu', 'relu' ];
		this.activations = null;
		this.model = null;
		this.connectionMode = 'strongest';
		this.particlesEnabled = true;
		this.animating = false;
		this.userMovedCamera = false;
		this.selection = null;
		this.frameCount = 0;
		this.frameTimes = [];
		this.renderPending = false;
		this.lastTime = 0;
		this.theme = THEMES[ theme ] ?? THEMES.dark;
		this.init( theme );
	}

	init( theme ) {
		performance.mark( 'nnj-scene-init' );
		this.quality = qualitySettings();
		// Cached static layer (renderCached): the page's canvas shows the background, connections and
		// labels (staticRenderer), and a transparent canvas over the network's part of it shows the
		// neurons and particles (renderer, drawn every frame).
		if ( this.quality.cache ) {
			this.staticRenderer = new THREE.WebGLRenderer( { canvas: this.canvas, antialias: this.quality.antialias,
				powerPreference: 'high-performance' } );
			this.dynamicCanvas = document.createElement( 'canvas' );
			this.dynamicCanvas.className = 'dynamic-layer';
			this.dynamicCanvas.setAttribute( 'aria-hidden', 'true' );
			this.canvas.after( this.dynamicCanvas );
			this.dynamicRect = { x: 0, y: 0, width: 0, height: 0 };
		}
		this.renderer = new THREE.WebGLRenderer( { canvas: this.dynamicCanvas ?? this.canvas, antialias: this.quality.antialias,
			alpha: this.quality.cache, powerPreference: 'high-performance' } );
		this.renderer.setPixelRatio( this.quality.ratio );
		this.frameIntervals = [];
		this.scene = new THREE.Scene();
		this.camera = new THREE.PerspectiveCamera( 38, 1, 0.5, 4000 );
		const hemisphere = new THREE.HemisphereLight( 0xffffff, 0x445066, 2.2 );
		this.scene.add( hemisphere );
		const sun = new THREE.DirectionalLight( 0xffffff, 1.4 );
		sun.position.set( 0.4, 1, 1.2 );
		this.scene.add( sun );
		this.lights = { hemisphere, sun };
		this.network = new THREE.Group();
		this.scene.add( this.network );
		this.controls = new OrbitControls( this.camera, this.canvas );
		this.controls.enableDamping = false;
		this.controls.listenToKeyEvents( this.canvas ); // arrow keys pan while the canvas has focus
		this.controls.addEventListener( 'change', () => {
			this.requestRender();
			this.onCamera();
		} );
		this.controls.addEventListener( 'start', () => {
			this.userMovedCamera = true;
			this.stopFlight();
			this.onOwnCamera();
		} );
		this.lines = new THREE.LineSegments( new THREE.BufferGeometry(),
			new THREE.LineBasicMaterial( { vertexColors: true, transparent: true, opacity: 0.75, depthWrite: false } ) );
		this.lines.frustumCulled = false;
		this.lines.renderOrder = - 1;
		this.lines.layers.set( STATIC_LAYER );
		this.scene.add( this.lines );
		this.camera.layers.enable( STATIC_LAYER );
		this.staticVersion = 0;
		this.particles = new BackpropParticles( this.scene );
		this.selectionRing = new THREE.Mesh( new THREE.RingGeometry( 1, 1.25, 32 ),
			new THREE.MeshBasicMaterial( { color: this.theme.selection, side: THREE.DoubleSide, depthTest: false, transparent: true } ) );
		this.selectionRing.visible = false;
		this.selectionRing.renderOrder = 10;
		this.scene.add( this.selectionRing );
		this.highlightRings = null; // neurons marked by the learning views (dead, saturated)
		this.highlighted = null;
		this.revealed = Infinity; // forward-pass sweep: layers above this show no activation yet
		this.raycaster = new THREE.Raycaster();
		this.pointerDown = null;
		this.canvas.addEventListener( 'pointerdown', ( e ) => { this.pointerDown = { x: e.clientX, y: e.clientY }; } );
		this.canvas.addEventListener( 'pointerup', ( e ) => this.handlePointerUp( e ) );
		new ResizeObserver( () => this.onWindowResize() ).observe( this.canvas.parentElement );
		this.setTheme( theme );
		this.rebuild();
		this.onWindowResize();
	}

	setTheme( name ) {
		this.theme = THEMES[ name ] ?? THEMES.dark;
		this.backgroundColor = new THREE.Color( this.theme.background );
		// With the cached static layer the background is drawn with the lines (renderCached).
		this.scene.background = this.quality.cache ? null : this.backgroundColor;
		this.lut = rampLut( this.theme.ramp );
		this.particles.setLook( this.theme.particle, this.theme.additive );
		this.selectionRing.material.color.set( this.theme.selection );
		if ( this.layout ) {
			this.buildLabels();
			this.applyActivations();
			this.buildConnections();
		}
		this.requestRender();
	}

	setArchitecture( sizes, activationNames = [] ) {
		const same = sizes.join() === this.sizes.join() && activationNames.join() === this.activationNames.join();
		this.sizes = sizes.slice();
		this.activationNames = activationNames.slice();
		if ( same ) return;
		this.activations = null;
		this.selection = null;
		this.rebuild();
		this.fit();
	}

	// Parsed weights (inference.parseWeights) or null.
	setModel( model ) {
		this.model = model;
		this.buildConnections();
		this.requestRender();
	}

	setConnectionMode( mode ) {
		this.connectionMode = mode;
		this.buildConnections();
		this.requestRender();
	}

	setParticlesEnabled( enabled ) {
		this.particlesEnabled = enabled;
		if ( ! enabled ) this.particles.clear();
		this.updateAnimation();
		this.requestRender();
	}

	// One array per drawn layer (protocol). Missing or mis-sized layers keep their "off" colour.
	setActivations( activations ) {
		clearTimeout( this.sweepTimer );
		this.revealed = Infinity;
		this.activations = activations;
		this.applyActivations();
		this.requestRender();
	}

	// The forward pass as it happens: the layers light up one after another, input to output, over
	// `durationMs`, each with its real values (one array per drawn layer, as setActivations).
	// onDone: called once the output layer is lit (not when a newer input cuts the sweep short).
	sweep( activations, durationMs = 1000, onDone = null ) {
		this.setActivations( activations );
		this.sweeps = ( this.sweeps ?? 0 ) + 1;
		if ( ! this.meshes || matchMedia( '(prefers-reduced-motion: reduce)' ).matches ) {
			onDone?.();
			return;
		}
		const steps = this.meshes.length;
		let k = 0;
		const next = () => {
			this.revealed = k;
			this.applyActivations();
			this.requestRender();
			if ( ++ k < steps ) {
				this.sweepTimer = setTimeout( next, durationMs / Math.max( 1, steps - 1 ) );
			} else {
				this.revealed = Infinity;
				onDone?.();
			}
		};
		next();
	}

	// Marks neurons `indices` of drawn layer `layer` with rings (null: none).
	highlight( layer, indices ) {
		if ( this.highlightRings ) {
			this.scene.remove( this.highlightRings );
			this.highlightRings.dispose();
			this.highlightRings = null;
		}
		this.highlighted = layer === null || ! indices?.length ? null : { layer, indices: indices.slice() };
		const info = this.highlighted && this.layout.layers[ layer ];
		if ( info ) {
			const valid = indices.filter( ( j ) => j >= 0 && j < info.count );
			const rings = new THREE.InstancedMesh( this.selectionRing.geometry, new THREE.MeshBasicMaterial( {
				color: this.theme.particle, side: THREE.DoubleSide, depthTest: false, transparent: true } ), Math.max( 1, valid.length ) );
			rings.count = valid.length;
			const matrix = new THREE.Matrix4();
			const r = info.radius * 1.4;
			valid.forEach( ( j, k ) => {
				matrix.makeScale( r, r, r ).setPosition( info.positions[ j * 3 ], info.positions[ j * 3 + 1 ], info.positions[ j * 3 + 2 ] + 0.6 );
				rings.setMatrixAt( k, matrix );
			} );
			rings.renderOrder = 9;
			rings.frustumCulled = false;
			this.highlightRings = rings;
			this.scene.add( rings );
		}
		this.requestRender();
	}

	setGradients( gradients, layerGradients, { flowing } ) {
		this.particles.setGradients( gradients, layerGradients );
		this.flowing = flowing;
		this.updateAnimation();
	}

	resetRun() {
		this.particles.resetRun();
	}

	setFlowing( flowing ) {
		this.flowing = flowing;
		this.updateAnimation();
	}

	orientationFor( width, height ) {
		return width >= height * 0.9 ? 'horizontal' : 'vertical';
	}

	rebuild() {
		const { clientWidth: w, clientHeight: h } = this.canvas.parentElement;
		this.layout = layoutNetwork( this.sizes, this.orientationFor( w || 16, h || 9 ) );
		for ( const child of [ ...this.network.children ] ) {
			this.network.remove( child );
			child.geometry?.dispose();
			child.material?.map?.dispose();
			child.material?.dispose();
			child.dispose?.();
		}
		this.meshes = this.layout.layers.map( ( layer, index ) => {
			const geometry = layer.kind === 'input'
				? new THREE.PlaneGeometry( layer.radius * 2, layer.radius * 2 )
				: new THREE.SphereGeometry( layer.radius, layer.kind === 'output' ? 20 : 10, layer.kind === 'output' ? 14 : 7 );
			const material = layer.kind === 'input' ? new THREE.MeshBasicMaterial() : new THREE.MeshLambertMaterial();
			const mesh = new THREE.InstancedMesh( geometry, material, layer.count );
			const matrix = new THREE.Matrix4();
			for ( let k = 0; k < layer.count; ++ k ) {
				matrix.makeTranslation( layer.positions[ k * 3 ], layer.positions[ k * 3 + 1 ], layer.positions[ k * 3 + 2 ] );
				mesh.setMatrixAt( k, matrix );
				mesh.setColorAt( k, new THREE.Color( this.theme.ramp[ 0 ] ) );
			}
			mesh.instanceMatrix.needsUpdate = true;
			mesh.computeBoundingSphere();
			mesh.userData.layerIndex = index;
			this.network.add( mesh );
			if ( this.quality.merge ) {
				// Drawn as one merged mesh; the instanced one stays for picking (raycasts ignore visibility).
				mesh.visible = false;
				mesh.userData.merged = layer.kind === 'input' ? mergedLayer( geometry, layer, material ) : impostorLayer( layer, this.lights );
				this.network.add( mesh.userData.merged );
			}
			return mesh;
		} );
		this.buildLabels();
		this.applyActivations();
		this.buildConnections();
		this.updateSelectionRing();
		if ( this.highlighted ) this.highlight( this.highlighted.layer, this.highlighted.indices ); // new positions
	}

	layerTitle( index ) {
		const layer = this.layout.layers[ index ];
		if ( layer.kind === 'input' ) return 'Input · 28×28';
		if ( layer.kind === 'output' ) return 'Output · digits';
		const activation = ( this.activationNames[ index - 1 ] ?? 'relu' );
		const pretty = { relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh' }[ activation ] ?? activation;
		return `Hidden layer ${index} · ${layer.count} · ${pretty}`;
	}

	buildLabels() {
		if ( this.labels ) {
			for ( const sprite of this.labels.children ) {
				sprite.material.map.dispose();
				sprite.material.dispose();
			}
			this.network.remove( this.labels );
		}
		this.labels = new THREE.Group();
		const horizontal = this.layout.orientation === 'horizontal';
		this.layout.layers.forEach( ( layer, index ) => {
			const title = textSprite( this.layerTitle( index ), this.theme.muted, 1.9, 500, this.theme.background );
			const [ x, y ] = layer.center;
			title.position.set( x, y + layer.extent.h / 2 + ( horizontal ? 2.2 : 1.8 ), 0 );
			title.userData.away = [ 0, 1 ]; // grows away from its layer: upwards
			this.labels.add( title );
			if ( layer.kind !== 'output' ) return;
			for ( let k = 0; k < layer.count; ++ k ) {
				const digit = textSprite( String( k ), this.theme.label, 1.8, 700 );
				const px = layer.positions[ k * 3 ], py = layer.positions[ k * 3 + 1 ];
				if ( horizontal ) digit.position.set( px + layer.radius + 1.6, py, 0 );
				else digit.position.set( px, py - layer.radius - 1.6, 0 );
				digit.userData.away = horizontal ? [ 1, 0 ] : [ 0, - 1 ];
				// Side by side under the layer, a digit may grow only as wide as its neuron's slot.
				if ( ! horizontal && layer.count > 1 ) {
					digit.userData.maxWidth = 0.95 * Math.abs( layer.positions[ 3 ] - layer.positions[ 0 ] );
				}
				this.labels.add( digit );
			}
		} );
		for ( const sprite of this.labels.children ) sprite.layers.set( STATIC_LAYER );
		this.network.add( this.labels );
		if ( this.fitted ) this.sizeLabels( this.fitted.distance, this.fitted.tan );
		this.staticVersion += 1;
	}

	applyActivations() {
		if ( ! this.meshes ) return;
		const color = new THREE.Color();
		this.meshes.forEach( ( mesh, index ) => {
			const values = index <= this.revealed ? this.activations?.[ index ] : null;
			const count = mesh.count;
			const usable = Array.isArray( values ) || ArrayBuffer.isView( values ) ? values.length === count : false;
			let scale = 1;
			if ( usable && this.layout.layers[ index ].kind === 'hidden' ) {
				// Hidden activations are unbounded (ReLU): colour relative to this layer's largest |a|.
				let max = 1e-6;
				for ( let k = 0; k < count; ++ k ) max = Math.max( max, Math.abs( values[ k ] ) );
				scale = 1 / max;
			}
			const merged = mesh.userData.merged;
			for ( let k = 0; k < count; ++ k ) {
				const v = usable ? Math.min( 1, Math.abs( values[ k ] ) * scale ) : 0;
				const o = Math.round( v * 255 ) * 3;
				color.setRGB( this.lut[ o ], this.lut[ o + 1 ], this.lut[ o + 2 ] );
				mesh.setColorAt( k, color );
				if ( merged ) merged.userData.setNeuronColor( k, color );
			}
			mesh.instanceColor.needsUpdate = true;
			if ( merged ) merged.geometry.attributes.color.needsUpdate = true;
		} );
	}

	buildConnections() {
		if ( ! this.layout ) return;
		const set = selectConnections( this.model, this.sizes, this.connectionMode === 'sampled' ? 'sampled' : 'strongest' );
		this.connections = set;
		const positions = new Float32Array( set.count * 6 );
		const colors = new Float32Array( set.count * 6 );
		const background = new THREE.Color( this.theme.background );
		const positive = new THREE.Color( this.theme.positive );
		const negative = new THREE.Color( this.theme.negative );
		const neutral = new THREE.Color( this.theme.neutral );
		const c = new THREE.Color();
		for ( let k = 0; k < set.count; ++ k ) {
			const d = set.layer[ k ];
			const from = this.layout.layers[ d ].positions;
			const to = this.layout.layers[ d + 1 ].positions;
			positions.set( from.subarray( set.from[ k ] * 3, set.from[ k ] * 3 + 3 ), k * 6 );
			positions.set( to.subarray( set.to[ k ] * 3, set.to[ k ] * 3 + 3 ), k * 6 + 3 );
			if ( d === 0 && this.layout.layers[ 0 ].kind === 'input' ) positions[ k * 6 + 2 ] = - 0.4; // behind the image
			if ( set.hasWeights ) {
				const w = set.weight[ k ];
				const strength = Math.pow( Math.min( 1, Math.abs( w ) / set.maxAbs[ d ] ), 0.6 );
				c.copy( background ).lerp( w >= 0 ? positive : negative, 0.12 + 0.88 * strength );
			} else {
				c.copy( background ).lerp( neutral, 0.35 );
			}
			colors.set( [ c.r, c.g, c.b, c.r, c.g, c.b ], k * 6 );
		}
		this.lines.geometry.dispose();
		this.lines.geometry = new THREE.BufferGeometry();
		this.lines.geometry.setAttribute( 'position', new THREE.BufferAttribute( positions, 3 ) );
		this.lines.geometry.setAttribute( 'color', new THREE.BufferAttribute( colors, 3 ) );
		this.lines.visible = this.connectionMode !== 'off';
		this.particles.setLines( set, positions );
		this.staticVersion += 1;
	}

	// Fits the whole network in view, keeping a slight 3/4 angle so depth reads.
	// The camera as a presenter sends it (docs/protocol.md, presenter_view): position and target
	// in the page's frame (the landscape layout's coordinates: a portrait page turns its own a
	// quarter turn, classroom.js toWireFrame, and scales distances to the landscape fit), plus the
	// orbit from this page's home view (fit()), which a surface with another layout can follow.
	cameraView() {
		const orientation = this.layout.orientation;
		const scale = 1 / this.frameScale();
		const target = this.controls.target.toArray();
		const offset = this.camera.position.clone().sub( this.controls.target );
		const scaled = offset.clone().multiplyScalar( scale ).toArray();
		const position = target.map( ( t, k ) => t + scaled[ k ] );
		const r = ( v ) => v.map( ( x ) => Math.round( x * 1000 ) / 1000 );
		const view = { position: r( toWireFrame( position, orientation ) ), target: r( toWireFrame( target, orientation ) ), frame: 'page' };
		if ( this.home ) {
			const now = spherical( offset ), home = spherical( this.home.offset );
			const yaw = ( ( now.azimuth - home.azimuth ) * 180 / Math.PI + 540 ) % 360 - 180;
			const pitch = ( now.elevation - home.elevation ) * 180 / Math.PI;
			const round2 = ( x ) => Math.round( x * 100 ) / 100;
			view.orbit = { yaw: round2( yaw ), pitch: round2( pitch ), zoom: round2( Math.min( 100, Math.max( 0.01, home.length / Math.max( 1e-6, now.length ) ) ) ) };
		}
		return view;
	}

	// Flies the camera to a presenter's view in `ms` (eased); the person's own move stops it.
	// A landscape page takes another page's position and target; a portrait page (its layout
	// differs) and any page following the desktop window apply the orbit to their own home view
	// (a pan does not carry over).
	flyTo( view, ms = 600 ) {
		let position, target;
		const samePage = ( view.frame ?? 'page' ) === 'page' && view.position && view.target;
		if ( samePage && ( this.layout.orientation === 'horizontal' || ! view.orbit ) ) {
			const orientation = this.layout.orientation;
			target = new THREE.Vector3().fromArray( fromWireFrame( view.target, orientation ) );
			const offset = new THREE.Vector3().fromArray( fromWireFrame( view.position, orientation ) )
				.sub( target ).multiplyScalar( this.frameScale() );
			position = target.clone().add( offset );
		} else if ( view.orbit && this.home ) {
			const home = spherical( this.home.offset );
			const azimuth = home.azimuth + ( view.orbit.yaw ?? 0 ) * Math.PI / 180;
			const elevation = Math.max( - 1.5, Math.min( 1.5, home.elevation + ( view.orbit.pitch ?? 0 ) * Math.PI / 180 ) );
			const length = home.length / Math.max( 0.01, view.orbit.zoom ?? 1 );
			target = this.home.target.clone();
			position = target.clone().add( new THREE.Vector3( Math.cos( elevation ) * Math.sin( azimuth ), Math.sin( elevation ),
				Math.cos( elevation ) * Math.cos( azimuth ) ).multiplyScalar( length ) );
		} else {
			return;
		}
		const to = { position, target };
		const from = { position: this.camera.position.clone(), target: this.controls.target.clone() };
		this.stopFlight();
		this.userMovedCamera = true; // a resize keeps the followed view instead of fitting
		const distance = to.position.distanceTo( to.target );
		this.camera.near = Math.max( 0.05, distance / 50 );
		this.camera.far = Math.max( 100, distance * 10 );
		this.camera.updateProjectionMatrix();
		const started = performance.now();
		const step = () => {
			const t = ms > 0 ? Math.min( 1, ( performance.now() - started ) / ms ) : 1;
			const eased = t < 0.5 ? 2 * t * t : 1 - ( - 2 * t + 2 ) ** 2 / 2;
			this.camera.position.lerpVectors( from.position, to.position, eased );
			this.controls.target.lerpVectors( from.target, to.target, eased );
			this.controls.update();
			this.requestRender();
			this.flight = t < 1 ? requestAnimationFrame( step ) : null;
		};
		step();
	}

	stopFlight() {
		if ( this.flight ) cancelAnimationFrame( this.flight );
		this.flight = null;
	}

	// Portrait and landscape layouts differ in length: the shared frame is the landscape one at
	// a 16:9 screen, and distances scale by how much farther this page's fit stands back.
	frameScale() {
		if ( this.layout.orientation === 'horizontal' || ! this.fitted ) return 1;
		const reference = layoutNetwork( this.sizes, 'horizontal' ).bounds;
		const tan = Math.tan( THREE.MathUtils.degToRad( this.camera.fov / 2 ) );
		const width = reference.max[ 0 ] - reference.min[ 0 ] + 14, height = reference.max[ 1 ] - reference.min[ 1 ] + 8;
		const distance = Math.max( height / 2 / tan, width / 2 / ( tan * 16 / 9 ) ) * 1.02;
		return this.fitted.distance / distance;
	}

	fit() {
		this.stopFlight();
		const { min, max } = this.layout.bounds;
		// Margins leave room for the digit labels (right / below) and the layer titles (above).
		const horizontal = this.layout.orientation === 'horizontal';
		// In portrait the view toolbar covers the top and the draw button the bottom right: keep
		// the digit labels under the output layer clear of the button (~70 px of a phone's stage).
		const center = new THREE.Vector3( ( min[ 0 ] + max[ 0 ] ) / 2 + ( horizontal ? 2.5 : 0 ),
			( min[ 1 ] + max[ 1 ] ) / 2 + ( horizontal ? 1.2 : - 1 ), 0 );
		const width = max[ 0 ] - min[ 0 ] + ( horizontal ? 14 : 6 );
		const height = max[ 1 ] - min[ 1 ] + ( horizontal ? 8 : 34 );
		const tan = Math.tan( THREE.MathUtils.degToRad( this.camera.fov / 2 ) );
		const distance = Math.max( height / 2 / tan, width / 2 / ( tan * this.camera.aspect ) ) * 1.02;
		const direction = new THREE.Vector3( 0.16, 0.1, 1 ).normalize();
		this.camera.position.copy( center ).addScaledVector( direction, distance );
		this.camera.near = distance / 50;
		this.camera.far = distance * 10;
		this.camera.updateProjectionMatrix();
		this.controls.target.copy( center );
		this.home = { target: center.clone(), offset: this.camera.position.clone().sub( center ) };
		this.controls.update();
		this.userMovedCamera = false;
		this.fitted = { distance, tan };
		this.sizeLabels( distance, tan );
		this.requestRender();
	}

	// Labels stay readable at the fitted view on any screen: at least LABEL_MIN_PX CSS pixels of
	// font (a phone's small stage would otherwise shrink them to ~8 px).
	sizeLabels( distance, tan ) {
		if ( ! this.labels ) return;
		const pxPerUnit = Math.max( 1, this.canvas.clientHeight ) / ( 2 * distance * tan );
		for ( const sprite of this.labels.children ) {
			const data = sprite.userData;
			const base = data.baseScale ?? ( data.baseScale = sprite.scale.clone() );
			const anchor = data.anchor ?? ( data.anchor = sprite.position.clone() );
			const fontPx = base.y * LABEL_FONT_SHARE * pxPerUnit;
			let grow = Math.min( 2.5, Math.max( 1, LABEL_MIN_PX / fontPx ) );
			if ( data.maxWidth ) grow = Math.max( 1, Math.min( grow, data.maxWidth / base.x ) );
			sprite.scale.set( base.x * grow, base.y * grow, 1 );
			// Keep the grown label's near edge where the small one's was (clear of the neurons).
			const [ ax, ay ] = data.away ?? [ 0, 0 ];
			sprite.position.set( anchor.x + ax * ( grow - 1 ) * base.x / 2, anchor.y + ay * ( grow - 1 ) * base.y / 2, anchor.z );
		}
		this.staticVersion += 1;
	}

	onWindowResize() {
		const parent = this.canvas.parentElement;
		const width = Math.max( 1, parent.clientWidth );
		const height = Math.max( 1, parent.clientHeight );
		this.resizeDrawingBuffer();
		this.camera.aspect = width / height;
		this.camera.updateProjectionMatrix();
		if ( this.orientationFor( width, height ) !== this.layout.orientation ) {
			this.rebuild();
			this.fit();
		} else if ( ! this.userMovedCamera ) {
			this.fit();
		}
		this.requestRender();
	}

	handlePointerUp( event ) {
		const down = this.pointerDown;
		this.pointerDown = null;
		if ( ! down || Math.hypot( event.clientX - down.x, event.clientY - down.y ) > 5 ) return; // a drag, not a click
		const rect = this.canvas.getBoundingClientRect();
		const pointer = new THREE.Vector2( ( ( event.clientX - rect.left ) / rect.width ) * 2 - 1,
			- ( ( event.clientY - rect.top ) / rect.height ) * 2 + 1 );
		this.raycaster.setFromCamera( pointer, this.camera );
		const hit = this.raycaster.intersectObjects( this.meshes, false )[ 0 ];
		this.select( hit ? { layer: hit.object.userData.layerIndex, index: hit.instanceId }
			: this.nearestNeuron( event.clientX - rect.left, event.clientY - rect.top, rect, PICK_RADIUS_PX ) );
		this.onPick( this.selection );
	}

	// Small neurons (784 inputs, a phone) are hard to hit: a click picks the neuron whose centre is
	// nearest on screen within `radius` CSS pixels (a 24 px target at least).
	nearestNeuron( x, y, rect, radius ) {
		if ( ! this.layout || ! this.network ) return null;
		this.network.updateMatrixWorld();
		const v = new THREE.Vector3();
		let best = null, bestDistance = radius;
		this.layout.layers.forEach( ( layer, index ) => {
			for ( let k = 0; k < layer.count; ++ k ) {
				v.set( layer.positions[ k * 3 ], layer.positions[ k * 3 + 1 ], layer.positions[ k * 3 + 2 ] )
					.applyMatrix4( this.network.matrixWorld ).project( this.camera );
				const d = Math.hypot( ( v.x + 1 ) / 2 * rect.width - x, ( 1 - v.y ) / 2 * rect.height - y );
				if ( d <= bestDistance ) {
					bestDistance = d;
					best = { layer: index, index: k };
				}
			}
		} );
		return best;
	}

	select( selection ) {
		this.selection = selection;
		this.updateSelectionRing();
		this.requestRender();
	}

	updateSelectionRing() {
		const s = this.selection;
		const layer = s && this.layout.layers[ s.layer ];
		if ( ! layer || s.index >= layer.count ) {
			this.selectionRing.visible = false;
			return;
		}
		this.selectionRing.visible = true;
		this.selectionRing.position.fromArray( layer.positions, s.index * 3 );
		this.selectionRing.position.z += 0.6;
		const r = layer.radius * 1.25;
		this.selectionRing.scale.set( r, r, r );
	}

	updateAnimation() {
		const wanted = this.particlesEnabled && this.flowing && this.particles.hasWork();
		if ( wanted === this.animating ) return;
		this.animating = wanted;
		this.lastTime = performance.now();
		this.renderer.setAnimationLoop( wanted ? ( time ) => this.animate( time ) : null );
		clearTimeout( this.fullResolutionTimer );
		if ( ! wanted ) {
			this.particles.clear();
			this.requestRender();
			// Still pictures are cheap: draw them at full resolution again, once the animation has
			// really stopped (a run that ends and restarts keeps the resolution it adapted to).
			this.fullResolutionTimer = setTimeout( () => {
				if ( this.animating || this.quality.ratio === this.quality.maxRatio ) return;
				this.quality.ratio = this.quality.maxRatio;
				this.resizeDrawingBuffer();
				this.requestRender();
			}, 1500 );
		}
	}

	animate( time ) {
		const dt = Math.min( 0.1, ( time - this.lastTime ) / 1000 );
		this.lastTime = time;
		this.adaptResolution( dt );
		this.particles.update( dt );
		this.render();
	}

	// Dynamic resolution while animating: below 34 fps draw fewer pixels, above 44 fps more (30 fps
	// with a margin). The mean of each 20 frames leaves out the slowest (a stall at start-up, a
	// garbage collection), so one spike does not lower the resolution for the whole run. A ratio
	// that was too slow is not tried again for 10 s (no oscillation).
	adaptResolution( dt ) {
		const q = this.quality;
		this.frameIntervals.push( dt );
		if ( this.frameIntervals.length < 20 ) return;
		const kept = this.frameIntervals.sort( ( x, y ) => x - y ).slice( 0, - 1 );
		const fps = kept.length / kept.reduce( ( x, y ) => x + y, 0 );
		this.frameIntervals = [];
		const now = performance.now();
		let ratio = q.ratio;
		if ( fps < 34 ) {
			ratio = Math.max( q.minRatio, ratio * 0.85 );
			q.tooSlow = { ratio: q.ratio, at: now };
		} else if ( fps > 44 ) {
			ratio = Math.min( q.maxRatio, ratio * 1.1 );
			if ( q.tooSlow && now - q.tooSlow.at < 10000 && ratio >= q.tooSlow.ratio - 0.01 ) return;
		}
		if ( Math.abs( ratio - q.ratio ) < 0.01 ) return;
		q.ratio = ratio;
		this.resizeDrawingBuffer();
	}

	// The drawing buffers: CSS size times the pixel ratio (renderCached: the page canvas at the
	// full ratio, the dynamic canvas at the adaptive one).
	resizeDrawingBuffer() {
		const parent = this.canvas.parentElement;
		const width = Math.max( 1, parent.clientWidth ), height = Math.max( 1, parent.clientHeight );
		if ( this.staticRenderer ) {
			// The cached picture is drawn seldom: always at the full ratio. (Setting a canvas's size
			// clears it, even to the same size.)
			const size = this.staticRenderer.getSize( new THREE.Vector2() );
			if ( size.x !== width || size.y !== height || this.staticRenderer.getPixelRatio() !== this.quality.maxRatio ) {
				this.staticRenderer.setPixelRatio( this.quality.maxRatio );
				this.staticRenderer.setSize( width, height, false );
				this.staticKey = null;
			}
			const r = this.dynamicRect;
			this.renderer.setPixelRatio( this.quality.ratio );
			this.renderer.setSize( Math.max( 1, r.width ), Math.max( 1, r.height ), false );
			return;
		}
		this.renderer.setPixelRatio( this.quality.ratio );
		this.renderer.setSize( width, height, false );
	}

	// Where neuron `index` of drawn layer `layer` appears on the page (client pixels), for tests.
	neuronClientPosition( layer, index ) {
		const p = new THREE.Vector3().fromArray( this.layout.layers[ layer ].positions, index * 3 ).project( this.camera );
		const rect = this.canvas.getBoundingClientRect();
		return { x: rect.left + ( p.x + 1 ) / 2 * rect.width, y: rect.top + ( 1 - p.y ) / 2 * rect.height };
	}

	rendererInfo() {
		return { name: this.quality.name, software: this.quality.software, antialias: this.quality.antialias, pixelRatio: this.quality.ratio };
	}

	requestRender() {
		if ( this.animating || this.renderPending ) return;
		this.renderPending = true;
		requestAnimationFrame( () => {
			this.renderPending = false;
			this.render();
		} );
	}

	render() {
		const start = performance.now();
		if ( this.quality.cache ) this.renderCached();
		else this.renderer.render( this.scene, this.camera );
		if ( this.frameCount === 0 ) performance.mark( 'nnj-first-frame' );
		this.frameCount += 1;
		this.frameTimes.push( performance.now() - start );
		if ( this.frameTimes.length > 120 ) this.frameTimes.shift();
	}

	// The background, connections and labels (STATIC_LAYER) only change with the camera, the size,
	// the theme and the weights: when one of those changed they are drawn into the page's canvas
	// (staticRenderer, at the full pixel ratio), which then keeps showing them. Every frame draws
	// only the neurons and particles, into a transparent canvas that covers just the network's
	// part of the page (dynamicCanvas, the same camera with a view offset), and the browser's
	// compositor lays it over the picture. Same picture: the lines were drawn first and write no
	// depth anyway, opaque neurons cover them, and particles blend as before (additive ones leave
	// the alpha at 0: the compositor adds them). With SwiftShader the 1212 lines cost ~10 ms, and
	// copying a cached picture back into the frame (what this replaced) ~7.6 ms per million pixels.
	renderCached() {
		const parent = this.canvas.parentElement;
		const width = Math.max( 1, parent.clientWidth ), height = Math.max( 1, parent.clientHeight );
		const size = this.staticRenderer.getDrawingBufferSize( this.bufferSize ??= new THREE.Vector2() );
		const key = `${size.x},${size.y},${width},${height},${this.staticVersion},${this.lines.visible},${this.theme.background},` +
			`${this.camera.matrixWorld.elements},${this.camera.projectionMatrix.elements}`;
		if ( key !== this.staticKey ) {
			this.staticKey = key;
			this.staticRenders = ( this.staticRenders ?? 0 ) + 1;
			const staticStart = performance.now();
			this.scene.background = this.backgroundColor;
			this.camera.layers.set( STATIC_LAYER );
			this.staticRenderer.render( this.scene, this.camera );
			this.scene.background = null;
			this.placeDynamicCanvas( width, height );
			this.staticMs = ( this.staticMs ?? 0 ) + performance.now() - staticStart;
		}
		const r = this.dynamicRect;
		this.camera.layers.set( 0 );
		this.camera.setViewOffset( width, height, r.x, r.y, r.width, r.height );
		this.renderer.render( this.scene, this.camera );
		this.camera.clearViewOffset();
		this.camera.layers.enable( STATIC_LAYER ); // raycasts see everything
	}

	// The dynamic canvas covers only where neurons and particles can appear: the network's bounds
	// (plus the selection ring's reach) projected on the page, in whole CSS pixels.
	placeDynamicCanvas( width, height ) {
		const { min, max } = this.layout.bounds;
		const pad = 2;
		let x0 = Infinity, y0 = Infinity, x1 = - Infinity, y1 = - Infinity;
		const p = new THREE.Vector3();
		for ( let k = 0; k < 8; ++ k ) {
			p.set( k & 1 ? max[ 0 ] + pad : min[ 0 ] - pad, k & 2 ? max[ 1 ] + pad : min[ 1 ] - pad,
				k & 4 ? max[ 2 ] + pad : min[ 2 ] - pad );
			p.applyMatrix4( this.camera.matrixWorldInverse );
			if ( p.z > - this.camera.near ) { x0 = y0 = - Infinity; x1 = y1 = Infinity; break; } // behind: all of it
			p.applyMatrix4( this.camera.projectionMatrix );
			x0 = Math.min( x0, p.x ); x1 = Math.max( x1, p.x );
			y0 = Math.min( y0, p.y ); y1 = Math.max( y1, p.y );
		}
		const left = Math.max( 0, Math.floor( ( x0 + 1 ) / 2 * width ) - 4 );
		const right = Math.min( width, Math.ceil( ( x1 + 1 ) / 2 * width ) + 4 );
		const top = Math.max( 0, Math.floor( ( 1 - y1 ) / 2 * height ) - 4 );
		const bottom = Math.min( height, Math.ceil( ( 1 - y0 ) / 2 * height ) + 4 );
		const r = { x: left, y: top, width: Math.max( 1, right - left ), height: Math.max( 1, bottom - top ) };
		const old = this.dynamicRect;
		if ( r.x === old.x && r.y === old.y && r.width === old.width && r.height === old.height ) return;
		this.dynamicRect = r;
		Object.assign( this.dynamicCanvas.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px` } );
		this.resizeDrawingBuffer();
	}

	// For the tests: renders once and counts the pixels that differ from the background (reading
	// right after the draw, so no preserveDrawingBuffer is needed).
	drawnPixels() {
		this.render();
		const gl = this.renderer.getContext();
		const width = gl.drawingBufferWidth, height = gl.drawingBufferHeight;
		const pixels = new Uint8Array( width * height * 4 );
		gl.readPixels( 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels );
		const ref = [ pixels[ 0 ], pixels[ 1 ], pixels[ 2 ] ]; // a corner: background
		let differing = 0;
		for ( let k = 0; k < pixels.length; k += 4 ) {
			if ( Math.abs( pixels[ k ] - ref[ 0 ] ) + Math.abs( pixels[ k + 1 ] - ref[ 1 ] ) + Math.abs( pixels[ k + 2 ] - ref[ 2 ] ) > 24 ) ++ differing;
		}
		return { width, height, differing };
	}

	// For the benchmark and the tests: frames drawn so far and recent CPU time per frame.
	perf() {
		const times = this.frameTimes;
		return { frames: this.frameCount, animating: this.animating,
			meanFrameMs: times.length ? times.reduce( ( a, b ) => a + b, 0 ) / times.length : null,
			lines: this.connections?.count ?? 0, particles: this.particles.particles.length, pixelRatio: this.quality.ratio,
			staticRenders: this.staticRenders ?? 0, staticMs: this.staticMs ?? 0 };
	}
}
