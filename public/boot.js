// Loaded by app.html (no inline scripts: the Content-Security-Policy allows none).
var Module = {
  canvas: document.getElementById('canvas'),
  onRuntimeInitialized: function () { document.getElementById('status').remove(); document.getElementById('canvas').focus(); },
  printErr: function (text) { console.warn(text); }
};
window.addEventListener('error', function (e) {
  var s = document.getElementById('status');
  if (s) s.textContent = 'Pitwall could not start: ' + e.message;
});
