// The cross-engine journeys (journeys.mjs) in WebKit (WebKitGTK's MiniBrowser under Xvfb, Debian's), driven by selenium-webdriver over WebKitWebDriver.
import { journeys } from './journeys.mjs';

journeys('webkit');
