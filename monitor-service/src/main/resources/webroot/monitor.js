'use strict';
/*
 * The monitor's live page: one EventSource on /v1/summary/stream, one redraw per summary
 * (every two seconds). The charts draw each version's timeline, which the server sends slot by
 * slot (10 s) over the whole window: a page opened now shows the last hour at once.
 */
(() => {
  const WINDOWS = { PT1M: '1 min', PT5M: '5 min', PT15M: '15 min', PT1H: '1 hour' };
  const RETRY_MILLIS = 3000;
  // three missed pushes: the server pushes every two seconds
  const STALE_MILLIS = 7000;
  const CHECKS = {
    labels: 'label mix', confidence: 'confidence', chars: 'characters', words: 'words',
    unseenWords: 'unseen words', nonLetters: 'non-letters',
  };
  // Okabe-Ito: tells classes apart for colour-blind readers too
  const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#555555'];

  const params = new URLSearchParams(location.search);
  const onlyModel = params.get('model');
  let windowParam = WINDOWS[params.get('window')] ? params.get('window') : 'PT5M';
  let source = null;
  let retry = null;
  let lastAt = 0;
  let state = 'wait';
  const models = new Map();
  const labelColours = new Map();

  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const int = (n) => Number(n).toLocaleString('en-US');
  const pct = (x) => (x * 100).toFixed(1) + '%';
  const rate = (r) => (r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : int(Math.round(r)));
  const ms = (v) => (v == null ? '–' : v >= 10000 ? (v / 1000).toFixed(1) + ' s'
    : (v < 10 ? v.toFixed(1) : int(Math.round(v))) + ' ms');
  const windowName = (w) => WINDOWS[w] || w;

  function colour(label) {
    if (!labelColours.has(label)) {
      labelColours.set(label, PALETTE[labelColours.size % PALETTE.length]);
    }
    return labelColours.get(label);
  }

  // --- the stream -------------------------------------------------------------------------

  function open() {
    clearTimeout(retry);
    if (source) {
      source.close();
    }
    const query = new URLSearchParams({ window: windowParam });
    if (onlyModel) {
      query.set('model', onlyModel);
    }
    source = new EventSource('/v1/summary/stream?' + query);
    source.addEventListener('summary', (e) => {
      lastAt = Date.now();
      connection('live');
      render(JSON.parse(e.data));
    });
    source.onerror = () => {
      connection('down');
      // the browser reconnects by itself, except after an answer that is not a stream
      if (source.readyState === EventSource.CLOSED) {
        retry = setTimeout(open, RETRY_MILLIS);
      }
    };
  }

  function connection(next) {
    state = next;
    const pill = $('connection');
    const seconds = Math.round((Date.now() - lastAt) / 1000);
    pill.textContent = { live: 'live', down: 'disconnected, retrying', stale: `no update for ${seconds} s` }[next];
    pill.className = 'pill pill-' + next;
    document.body.classList.toggle('offline', next !== 'live');
  }

  setInterval(() => {
    if ((state === 'live' || state === 'stale') && Date.now() - lastAt > STALE_MILLIS) {
      connection('stale');
    }
  }, 1000);

  function chooseWindow(w) {
    windowParam = w;
    document.querySelectorAll('#windows button').forEach((b) => b.classList.toggle('on', b.dataset.window === w));
    params.set('window', w);
    history.replaceState(null, '', '?' + params);
    open();
  }

  document.querySelectorAll('#windows button').forEach((b) => b.addEventListener('click', () => chooseWindow(b.dataset.window)));

  // --- the page ---------------------------------------------------------------------------

  function render(s) {
    $('as-of').textContent = 'as of ' + new Date(s.asOf).toLocaleTimeString([], { hour12: false });
    const names = Object.keys(s.models);
    const empty = $('empty');
    empty.hidden = names.length > 0;
    empty.innerHTML = 'no models yet<small>the monitor has seen no deployment, answer or dead letter of any model'
      + ' in the last hour</small>';
    models.forEach((m, name) => {
      if (!(name in s.models)) {
        m.versions.forEach((v) => v.charts.forEach((c) => c.destroy()));
        m.el.remove();
        models.delete(name);
      }
    });
    let added = false;
    names.forEach((name) => {
      if (!models.has(name)) {
        models.set(name, newModel(name));
        added = true;
      }
      renderModel(models.get(name), name, s.models[name], s);
    });
    if (added) {
      $('models').append(...names.map((n) => models.get(n).el));
    }
    const lost = $('unattributed');
    const letters = s.unattributedDeadLetters || {};
    lost.hidden = Object.keys(letters).length === 0;
    lost.innerHTML = '<h3>dead letters without a known model</h3>' + deadLetterTable(letters);
  }

  function newModel(name) {
    const el = document.createElement('section');
    el.className = 'model';
    el.dataset.model = name;
    el.innerHTML = '<div class="model-head"></div><div class="model-body"><div class="versions"></div>'
      + '<aside class="model-side"></aside></div>';
    return {
      el, head: el.querySelector('.model-head'), list: el.querySelector('.versions'),
      side: el.querySelector('.model-side'), versions: new Map(),
    };
  }

  function renderModel(model, name, m, s) {
    const versions = Object.keys(m.versions).sort((a, b) => a - b);
    const alerts = [];
    versions.filter((v) => m.versions[v].drift.drifted).forEach((v) => alerts.push(['bad', `drift on v${v}`]));
    Object.entries(m.lag).filter(([, g]) => g.status !== 'OK')
      .forEach(([group, g]) => alerts.push([g.status === 'WARN' ? 'warn' : 'bad', `${g.status} ${group}`]));
    const letters = Object.values(m.deadLetters).reduce((a, b) => a + b, 0);
    if (letters > 0) {
      alerts.push(['warn', `${int(letters)} dead letter${letters === 1 ? '' : 's'}`]);
    }
    const r = m.deployment && m.deployment.rollout;
    if (r && r.state === 'rolled_back') {
      alerts.push(['bad', `rollout ${r.id} of v${r.version} rolled back`]);
    }
    model.head.innerHTML = `<h2>${esc(name)}</h2><span class="deployment">${deployment(m.deployment)}</span>`
      + (r ? `<span class="chip chip-rollout" title="${esc(r.reason || '')}">${esc(rollout(r))}</span>` : '')
      + alerts.map(([kind, text]) => `<span class="chip chip-${kind}">${esc(text)}</span>`).join('')
      + (alerts.length === 0 ? '<span class="chip chip-ok">all OK</span>' : '');

    model.versions.forEach((card, v) => {
      if (!(v in m.versions)) {
        card.charts.forEach((c) => c.destroy());
        card.el.remove();
        model.versions.delete(v);
      }
    });
    let added = false;
    versions.forEach((v) => {
      if (!model.versions.has(v)) {
        model.versions.set(v, newVersion(v));
        added = true;
      }
      renderVersion(model.versions.get(v), v, m.versions[v], s);
    });
    if (added) {
      model.list.append(...versions.map((v) => model.versions.get(v).el));
    }
    model.side.innerHTML = '<h3>consumer lag</h3>' + lagTable(m.lag)
      + `<h3>dead letters, last ${windowName(s.window)}</h3>` + deadLetterTable(m.deadLetters);
  }

  function deployment(d) {
    if (!d) {
      return 'not deployed';
    }
    const parts = [`revision ${d.revision}`];
    if (d.production != null) {
      parts.push(`production v${d.production}`);
    }
    if (d.canary) {
      parts.push(`canary v${d.canary.version} at ${Math.round(d.canary.weight * 100)}%`);
    }
    if (d.shadow != null) {
      parts.push(`shadow v${d.shadow}`);
    }
    return parts.join(' · ');
  }

  // the rollout that made the current revision: where it stands, or how it ended
  function rollout(r) {
    const step = `step ${r.number} of ${r.steps}`;
    switch (r.state) {
      case 'running': return `rollout ${r.id}: v${r.version} at ${Math.round(r.step * 100)}%, ${step}`;
      case 'promoted': return `rollout ${r.id}: v${r.version} promoted`;
      case 'rolled_back': return `rollout ${r.id}: v${r.version} rolled back at ${step}: ${r.reason}`;
      default: return `rollout ${r.id}: v${r.version} ${r.state.replace('_', ' ')} at ${step}`;
    }
  }

  function newVersion(v) {
    const el = document.createElement('article');
    el.className = 'version';
    el.dataset.version = v;
    el.innerHTML = '<div class="version-head"></div><div class="stats"></div><div class="panels">'
      + '<div class="panel"><h4>throughput, results/s</h4><div class="chart"></div></div>'
      + '<div class="panel"><h4>latency, ms</h4><div class="chart"></div></div>'
      + '<div class="panel"><h4>label mix</h4><div class="labels"></div><h4>drift checks</h4><div class="drift"></div></div>'
      + '</div>';
    const [rateEl, latencyEl] = el.querySelectorAll('.chart');
    const card = {
      el, head: el.querySelector('.version-head'), stats: el.querySelector('.stats'),
      labels: el.querySelector('.labels'), drift: el.querySelector('.drift'),
      timeline: [[], [], [], [], []], charts: [],
    };
    // uPlot measures its container, which is only laid out once the card is in the page
    requestAnimationFrame(() => {
      if (typeof uPlot === 'undefined') {
        rateEl.textContent = latencyEl.textContent = 'charts unavailable: uPlot did not load';
        return;
      }
      card.charts.push(lineChart(rateEl, [['results/s', '#0072b2']], rate));
      card.charts.push(lineChart(latencyEl, [['p50', '#009e73'], ['p95', '#e69f00'], ['p99', '#d55e00']],
        (v) => int(Math.round(v))));
      draw(card);
    });
    return card;
  }

  function lineChart(target, series, format) {
    return new uPlot({
      width: Math.max(200, target.clientWidth), height: 170,
      legend: { show: series.length > 1, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: timeRange },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: [
        { stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, space: 80,
          values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString([], { hour12: false })) },
        { stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, size: 48,
          values: (u, values) => values.map(format) },
      ],
      series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 2 }))],
    }, [[], ...series.map(() => [])], target);
  }

  // at least the last minute, so that the first points do not fill the width
  function timeRange(u) {
    const t = u.data[0];
    const last = t.length > 0 ? t[t.length - 1] : Date.now() / 1000;
    return [last - Math.max(60, last - (t.length > 0 ? t[0] : last)), last];
  }

  function draw(card) {
    const [t, perSecond, p50, p95, p99] = card.timeline;
    if (card.charts.length === 2) {
      card.charts[0].setData([t, perSecond]);
      card.charts[1].setData([t, p50, p95, p99]);
    }
  }

  function renderVersion(card, v, x, s) {
    const role = x.role;
    card.el.className = `version role-${role}` + (x.drift.drifted ? ' drifted' : '');
    card.head.innerHTML = `<span class="vnum">v${esc(v)}</span><span class="role">${esc(role)}</span>`
      + `<span class="profile">${profile(x.profile)}</span>`;

    const shadowed = role === 'shadow' || (x.results === 0 && x.shadowResults > 0);
    const answers = shadowed ? x.shadowResults : x.results;
    const other = shadowed ? x.results : x.shadowResults;
    const tiles = [
      tile('results', int(answers), shadowed ? 'shadow answers' : 'results', `last ${windowName(s.window)}`
        + (other > 0 ? `, and ${int(other)} ${shadowed ? 'results' : 'shadow answers'}` : '')),
      tile('rate', rate(x.perSecond), 'per second', `average over ${windowName(s.window)}`),
      tile('latency', x.latencyMs ? ms(x.latencyMs.p95) : '–', 'p95 latency',
        x.latencyMs ? `p50 ${ms(x.latencyMs.p50)} · p99 ${ms(x.latencyMs.p99)} · max ${ms(x.latencyMs.max)}` : 'no answers'),
      accuracyTile(x),
      driftTile(x.drift),
    ];
    if (role === 'canary' || role === 'shadow' || x.agreement) {
      tiles.push(x.agreement
        ? tile('agreement', pct(x.agreement.rate), 'agrees with production',
          `on ${int(x.agreement.compared)} shared request ids`, x.agreement.rate < 0.9 ? 'warn' : '')
        : tile('agreement', '–', 'agrees with production', 'no shared request ids yet'));
    }
    card.stats.innerHTML = tiles.join('');
    card.labels.innerHTML = labelMix(x.labels);
    card.drift.innerHTML = driftTable(x.drift, x.profile);

    const tl = x.timeline;
    const start = tl.from / 1000;
    card.timeline = [tl.perSecond.map((_, i) => start + i * tl.slotSeconds), tl.perSecond, tl.p50, tl.p95, tl.p99];
    draw(card);
  }

  function tile(metric, value, caption, detail, status) {
    return `<div class="tile${status ? ' tile-' + status : ''}"><div class="value" data-metric="${metric}">${value}</div>`
      + `<div class="caption">${esc(caption)}</div><div class="detail">${esc(detail || '')}</div></div>`;
  }

  function accuracyTile(x) {
    const realized = x.realizedAccuracy;
    const calibrated = x.profile && x.profile.calibrated;
    const detail = realized
      ? `realized ${pct(realized.accuracy)} on ${int(realized.labelled)} labelled`
        + (realized.estimateError != null ? `, estimate off by ${(realized.estimateError * 100).toFixed(1)} pt` : '')
      : calibrated ? 'from the training calibration table' : 'from the model\'s own confidence, not calibrated';
    return tile('accuracy', x.estimatedAccuracy == null ? '–' : pct(x.estimatedAccuracy), 'estimated accuracy',
      x.estimatedAccuracy == null ? 'no answers in the window' : detail);
  }

  function driftTile(d) {
    if (!d.judged) {
      return tile('drift', 'not judged', 'drift', `needs ${int(d.minResults)} answers and a profile`, 'idle');
    }
    return tile('drift', d.drifted ? 'DRIFT' : 'OK', 'drift',
      `score ${d.score} vs threshold ${d.threshold}` + (d.worst ? ` · worst: ${CHECKS[d.worst] || d.worst}` : ''),
      d.drifted ? 'bad' : 'ok');
  }

  function profile(p) {
    if (!p) {
      return 'no reference profile';
    }
    if (p.building) {
      return `profile: building from production answers, ${int(p.examples)} of ${int(p.needs)}`;
    }
    return `profile: ${esc(p.source)}, ${int(p.examples)} examples` + (p.calibrated ? ', calibrated' : '');
  }

  function labelMix(labels) {
    const entries = Object.entries(labels).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((a, [, n]) => a + n, 0);
    if (total === 0) {
      return '<p class="muted">no answers in the window</p>';
    }
    const bar = entries.map(([label, n]) =>
      `<span style="width:${(100 * n / total).toFixed(2)}%;background:${colour(label)}" title="${esc(label)}"></span>`).join('');
    const legend = entries.map(([label, n]) => `<tr><td><i style="background:${colour(label)}"></i>${esc(label)}</td>`
      + `<td class="num">${int(n)}</td><td class="num">${pct(n / total)}</td></tr>`).join('');
    return `<div class="bar">${bar}</div><table class="legend">${legend}</table>`;
  }

  function driftTable(d, p) {
    if (!d.judged) {
      const why = !p || p.building ? 'no reference profile yet' : `fewer than ${int(d.minResults)} answers in the window`;
      return `<p class="muted">not judged: ${why}</p>`;
    }
    const rows = Object.entries(d.checks).map(([name, c]) =>
      `<tr class="${c.drifted ? 'bad' : ''}"><td>${esc(CHECKS[name] || name)}</td><td class="num">${c.psi.toFixed(3)}</td>`
      + `<td class="num">${c.js.toFixed(3)}</td><td>${c.drifted ? 'DRIFT' : 'ok'}</td></tr>`).join('');
    return `<table class="checks"><tr><th>check</th><th class="num">PSI</th><th class="num">JS</th><th></th></tr>${rows}</table>`
      + `<p class="muted">fires at PSI ≥ ${d.threshold} or JS ≥ ${d.jsThreshold}</p>`;
  }

  function lagTable(lag) {
    const groups = Object.entries(lag);
    if (groups.length === 0) {
      return '<p class="muted">no consumer group reads this model yet</p>';
    }
    return '<table class="lag"><tr><th>group</th><th class="num">behind</th><th class="num">oldest</th><th></th></tr>'
      + groups.map(([group, g]) => `<tr><td class="group">${esc(group)}</td><td class="num">${int(g.records)}</td>`
        + `<td class="num">${g.seconds.toFixed(1)} s</td><td><span class="status status-${esc(g.status)}">${esc(g.status)}</span></td></tr>`)
        .join('')
      + '</table>';
  }

  function deadLetterTable(letters) {
    const entries = Object.entries(letters).sort((a, b) => b[1] - a[1]);
    if (entries.length === 0) {
      return '<p class="muted">none</p>';
    }
    return '<table class="letters">' + entries.map(([reason, n]) =>
      `<tr><td class="reason">${esc(reason)}</td><td class="num">${int(n)}</td></tr>`).join('') + '</table>';
  }

  let resizing = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => models.forEach((m) => m.versions.forEach((v) => v.charts.forEach((c) =>
      c.setSize({ width: Math.max(200, c.root.parentElement.clientWidth), height: 170 })))), 200);
  });

  chooseWindow(windowParam);
})();
