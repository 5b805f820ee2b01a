// The standalone page: the application shell <layer-scope-app>, full window.
// (It also defines the embeddable <layer-scope>, which the shell uses.)
import './app/connect-guard'; // first: narrows connect-src if connect-policy.js did not run
import './app/layer-scope-app';
import './page.css';
