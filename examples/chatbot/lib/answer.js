'use strict';
// The chatbot's reply logic lives in public/answer.js, one file that Node's
// require() and the page's <script> tag both load (the page needs it in
// direct mode, where it calls guru-server itself). This is that module.
module.exports = require('../public/answer.js');
