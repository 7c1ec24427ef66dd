// Loaded by embed.html (no inline scripts: the Content-Security-Policy allows none).
// For sites that allow no scripts of ours: this page is the iframe's content.
// Options come from the query string and are set as attributes (never as HTML).
(function () {
  var q = new URLSearchParams(location.search);
  var race = (location.pathname.match(/\/embed\/races\/(\d+)\/leaderboard/) || [])[1] || '';
  var board = document.getElementById('board');
  board.setAttribute('race', race);
  document.getElementById('fallback').href = '/races/' + race;
  ['limit', 'theme', 'mode', 'refresh', 'live'].forEach(function (k) {
    if (q.has(k)) board.setAttribute(k, q.get(k).slice(0, 16));
  });
  if (q.get('mode') === 'overlay') document.body.style.background = 'transparent';
  // The optional resizer: tell the embedding page (and only it) how tall we are.
  var parentOrigin = q.get('origin');
  if (!parentOrigin || !/^https?:\/\/[^\/?#]+$/.test(parentOrigin) || window.parent === window) return;
  // The content's own height (not the document's scroll height, which never drops below the
  // frame's current height: a frame made tall once could never shrink back).
  var post = function () {
    var height = Math.ceil(board.getBoundingClientRect().bottom + window.scrollY);
    window.parent.postMessage({ type: 'pitwall:height', height: height }, parentOrigin);
  };
  board.addEventListener('pitwall-rendered', function () { setTimeout(post, 0); });
  window.addEventListener('message', function (e) {
    if (e.origin === parentOrigin && e.data && e.data.type === 'pitwall:ask-height') post();
  });
})();
