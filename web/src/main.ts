// The standalone page: the application shell <layer-scope-app>, full window.
// (It also defines the embeddable <layer-scope>, which the shell uses.)
import './app/layer-scope-app';
import './page.css';
