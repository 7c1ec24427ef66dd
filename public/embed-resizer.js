/*! Pitwall iframe resizer: sizes <iframe src=".../embed/races/ID/leaderboard?origin=YOUR-ORIGIN"> to its content.
    Accepts height messages only from Pitwall's origin, and only from those iframes' own windows. */
(function () {
  'use strict';
  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;
  window.addEventListener('message', function (e) {
    if (e.origin !== ORIGIN || !e.data || e.data.type !== 'pitwall:height') return;
    var frames = document.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; ++i) {
      if (frames[i].contentWindow === e.source && typeof e.data.height === 'number' && e.data.height > 0 && e.data.height < 20000)
        frames[i].style.height = Math.ceil(e.data.height) + 'px';
    }
  });
})();
