// The loss landscape as a three.js surface in its own canvas: vertex colours by loss (the legend
// is drawn by learning.js with the same ramp), the run's trajectory projected onto the plane as a
// line on the surface, the centre (the current weights) as a marker. Orbit controls; renders on
// demand. Until the user turns or zooms it, the camera keeps the whole box in view at any size.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { landscapeMesh } from './analysis.js';

const SIZE = 10;
const HEIGHT = 6;

export class LandscapeView {
	constructor( canvas ) {
		this.canvas = canvas;
		this.renderer = new THREE.WebGLRenderer( { canvas, antialias: true } );
		this.renderer.setPixelRatio( Math.min( 2, window.devicePixelRatio || 1 ) );
		this.scene = new THREE.Scene();
		this.camera = new THREE.PerspectiveCamera( 40, 1, 0.1, 500 );
		this.camera.position.set( 16, 15, 20 );
		this.controls = new OrbitControls( this.camera, canvas );
		this.controls.target.set( 0, HEIGHT / 3, 0 );
		this.controls.addEventListener( 'change', () => this.render() );
		this.controls.addEventListener( 'start', () => { this.userMoved = true; } );
		this.controls.update();
		this.group = new THREE.Group();
		this.scene.add( this.group );
		this.surface = null;
		new ResizeObserver( () => this.resize() ).observe( canvas.parentElement );
	}

	setBackground( color ) {
		this.scene.background = new THREE.Color( color );
		this.render();
	}

	// result: the API's landscape result. Returns the mesh summary for the page (and the tests).
	show( result, { line = '#ffffff', centre: centreColor = '#fde047' } = {} ) {
		this.clear();
		const mesh = landscapeMesh( result, { size: SIZE, height: HEIGHT } );
		const geometry = new THREE.BufferGeometry();
		geometry.setAttribute( 'position', new THREE.BufferAttribute( mesh.positions, 3 ) );
		geometry.setAttribute( 'color', new THREE.BufferAttribute( mesh.colors, 3 ) );
		geometry.setIndex( new THREE.BufferAttribute( mesh.indices, 1 ) );
		geometry.computeVertexNormals();
		this.surface = new THREE.Mesh( geometry, new THREE.MeshBasicMaterial( { vertexColors: true, side: THREE.DoubleSide } ) );
		this.group.add( this.surface );
		const wire = new THREE.LineSegments( new THREE.WireframeGeometry( geometry ),
			new THREE.LineBasicMaterial( { color: 0x000000, transparent: true, opacity: 0.18 } ) );
		this.group.add( wire );
		const points = ( result.trajectory ?? [] ).map( ( [ a, b ] ) => new THREE.Vector3( ...mesh.onSurface( a, b ) ).add( new THREE.Vector3( 0, 0.08, 0 ) ) );
		this.trajectory = null;
		if ( points.length > 1 ) {
			this.trajectory = new THREE.Line( new THREE.BufferGeometry().setFromPoints( points ),
				new THREE.LineBasicMaterial( { color: line, depthTest: false } ) );
			this.trajectory.renderOrder = 5;
			this.group.add( this.trajectory );
			const start = new THREE.Mesh( new THREE.SphereGeometry( 0.22, 12, 8 ), new THREE.MeshBasicMaterial( { color: line, depthTest: false } ) );
			start.position.copy( points[ 0 ] );
			start.renderOrder = 6;
			this.group.add( start );
		}
		const centre = new THREE.Mesh( new THREE.SphereGeometry( 0.35, 16, 12 ), new THREE.MeshBasicMaterial( { color: centreColor, depthTest: false } ) );
		centre.position.set( ...mesh.map( 0, 0, result.center_loss ) );
		centre.position.y += 0.1;
		centre.renderOrder = 7;
		this.centre = centre;
		this.group.add( centre );
		const box = new THREE.Box3Helper( new THREE.Box3( new THREE.Vector3( - SIZE, 0, - SIZE ), new THREE.Vector3( SIZE, HEIGHT, SIZE ) ), 0x888888 );
		box.material.transparent = true;
		box.material.opacity = 0.35;
		this.group.add( box );
		this.resize();
		return { vertices: mesh.positions.length / 3, lossRange: mesh.lossRange, logScale: mesh.logScale, trajectoryPoints: points.length };
	}

	clear() {
		for ( const child of [ ...this.group.children ] ) {
			this.group.remove( child );
			child.geometry?.dispose();
			child.material?.dispose();
		}
		this.surface = null;
		this.render();
	}

	resize() {
		const parent = this.canvas.parentElement;
		const width = Math.max( 1, parent.clientWidth ), height = Math.max( 1, parent.clientHeight );
		this.renderer.setSize( width, height, false );
		this.camera.aspect = width / height;
		this.camera.updateProjectionMatrix();
		if ( ! this.userMoved ) this.fit();
		this.render();
	}

	// The camera back along its direction until a sphere around the box fits both the height and
	// the width of the view.
	fit() {
		const radius = Math.hypot( SIZE, SIZE, HEIGHT / 2 ) * 0.9; // the box seen from above its corner
		const vertical = THREE.MathUtils.degToRad( this.camera.fov ) / 2;
		const horizontal = Math.atan( Math.tan( vertical ) * this.camera.aspect );
		const distance = radius / Math.sin( Math.min( vertical, horizontal ) );
		const direction = this.camera.position.clone().sub( this.controls.target ).normalize();
		this.camera.position.copy( this.controls.target ).addScaledVector( direction, distance );
		this.controls.update();
	}

	render() {
		this.renderer.render( this.scene, this.camera );
	}
}
