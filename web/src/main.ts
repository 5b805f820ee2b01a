// The standalone page: just the <layer-scope> element, full window.
import './components/layer-scope';
import './page.css';
