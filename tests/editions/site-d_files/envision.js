/* Sitevision envision – reducerad sparad kopia */
(function () {
  'use strict';
  var html = document.documentElement;
  html.className = html.className.replace('sv-no-js', 'sv-js');
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.getAttribute && t.getAttribute('data-sol-cookie')) {
      var box = document.getElementById('sol-cookie-consent');
      if (box) { box.hidden = true; }
    }
  });
})();
