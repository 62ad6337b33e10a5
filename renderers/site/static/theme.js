// @ts-check
/* Applies the learner's saved colour theme before the page paints (loaded without defer,
 * so dark-theme readers never see a white flash). The toggle lives in lessonkit.js. */
(function () {
  'use strict';
  try {
    var saved = window.localStorage.getItem('lessonkit:theme');
    if (saved === 'auto' || saved === 'light' || saved === 'dark') {
      document.documentElement.setAttribute('data-theme', saved);
    }
  } catch { /* storage disabled: keep the site default */ }
})();
