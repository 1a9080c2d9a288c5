// The dashboard page: polls cache/dashboard, shows its numbers and draws its history with uPlot.
// It polls on whatever happens (Redis down, the application down, a bad answer) and says so.
(function () {
	'use strict';

	var POLL_MS = 1500;
	var CHART_HEIGHT = 240;

	var samples = [];
	var lastSampleAt = 0;
	var window_ = { start: 0, end: 0 };
	var polls = 0;
	var charts = [];

	function byId(id) {
		return document.getElementById(id);
	}

	function text(id, value) {
		byId(id).textContent = value;
	}

	function count(value) {
		return Number(value).toLocaleString('en-US');
	}

	function percent(rate) {
		return (rate * 100).toFixed(1) + ' %';
	}

	// hh:mm:ss, hours not wrapped at a day.
	function duration(seconds) {
		var h = Math.floor(seconds / 3600);
		var m = Math.floor(seconds % 3600 / 60);
		var s = seconds % 60;
		return h + ':' + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0');
	}

	function bytes(value) {
		if (value === null || value === undefined) {
			return '–';
		}
		return value < 1024 ? value + ' B' : value < 1048576 ? (value / 1024).toFixed(1) + ' KiB'
			: (value / 1048576).toFixed(1) + ' MiB';
	}

	function row(cells) {
		var tr = document.createElement('tr');
		cells.forEach(function (cell) {
			var td = document.createElement('td');
			td.textContent = cell.text;
			if (cell.className) {
				td.className = cell.className;
			}
			if (cell.colSpan) {
				td.colSpan = cell.colSpan;
			}
			tr.appendChild(td);
		});
		return tr;
	}

	function showProblem(message) {
		var banner = byId('problem');
		banner.textContent = message;
		banner.hidden = false;
	}

	function render(d) {
		var stats = d.statistics;
		var reads = stats.hits + stats.misses;
		text('hits', count(stats.hits));
		text('misses', count(stats.misses));
		text('hit-rate', reads > 0 ? percent(d.hit_rate) : '–');
		text('writes', count(stats.writes));
		text('failures', count(stats.failures));
		text('pending-evictions', count(stats.pending_evictions));
		var circuit = byId('circuit');
		circuit.textContent = stats.circuit_open ? 'open' : 'closed';
		circuit.className = 'value ' + (stats.circuit_open ? 'bad' : 'good');

		var status = byId('status');
		status.textContent = (d.redis.reachable ? 'Redis reachable' : 'Redis unreachable')
			+ ' · circuit ' + (stats.circuit_open ? 'open' : 'closed');
		status.className = 'pill ' + (d.redis.reachable ? 'ok' : 'bad');
		document.body.dataset.redis = d.redis.reachable ? 'reachable' : 'unreachable';

		renderPeriods(d);
		renderWarmUp(d.warm_up);
		addSamples(d);
		text('updated', 'updated ' + new Date(d.at).toLocaleTimeString('en-GB'));
		document.body.dataset.polls = String(++polls);
	}

	function renderPeriods(d) {
		var body = byId('periods').tBodies[0];
		var rows = [];
		if (!d.redis.reachable && d.periods.length === 0) {
			rows.push(row([{ text: d.statistics.circuit_open
				? 'Redis does not answer: cache calls skip it until a probe finds it again.'
				: 'Redis does not answer: ' + (d.redis.problem || 'unknown problem'),
				className: 'bad', colSpan: 5 }]));
		}
		else if (d.periods.length === 0) {
			rows.push(row([{ text: 'No period is cached.', className: 'note', colSpan: 5 }]));
		}
		d.periods.forEach(function (p) {
			var tr = !p.answered ? row([{ text: p.period },
				{ text: 'Redis did not describe it in time', className: 'note', colSpan: 4 }]) : row([
				{ text: p.period },
				{ text: count(p.orders), className: 'num orders' },
				{ text: p.ttl_seconds === null ? '–' : duration(p.ttl_seconds), className: 'num ttl' },
				{ text: p.complete ? 'yes' : 'no' },
				{ text: bytes(p.memory_bytes), className: 'num' }
			]);
			tr.dataset.period = p.period;
			rows.push(tr);
		});
		body.replaceChildren.apply(body, rows);
		text('period-count', d.periods.length === 0 ? ''
			: d.more_periods ? '(the first ' + d.periods.length + ')' : '(' + d.periods.length + ')');
	}

	function renderWarmUp(progress) {
		var body = byId('warm-up').tBodies[0];
		var rows = progress.map(function (w) {
			var tr = row([
				{ text: w.period },
				{ text: w.state.toLowerCase() + (w.failure ? ': ' + w.failure : ''),
					className: w.state === 'FAILED' ? 'bad' : '' },
				{ text: count(w.written), className: 'num' },
				{ text: count(w.skipped), className: 'num' },
				{ text: w.complete ? 'yes' : 'no' }
			]);
			tr.dataset.period = w.period;
			return tr;
		});
		if (rows.length === 0) {
			rows.push(row([{ text: 'No hot period is configured (ordercache.warm-up.periods).', className: 'note',
				colSpan: 5 }]));
		}
		body.replaceChildren.apply(body, rows);
	}

	function addSamples(d) {
		d.history.forEach(function (sample) {
			if (sample.at > lastSampleAt) {
				samples.push(sample);
				lastSampleAt = sample.at;
			}
		});
		var oldest = d.at - d.history_ms;
		while (samples.length > 0 && samples[0].at < oldest) {
			samples.shift();
		}
		// The whole history once it is full; until then what there is, and at least a minute.
		var first = samples.length > 0 ? samples[0].at : d.at;
		window_.start = Math.max(oldest, Math.min(first, d.at - 60000)) / 1000;
		window_.end = d.at / 1000;
		var x = samples.map(function (s) { return s.at / 1000; });
		charts.forEach(function (chart) {
			chart.plot.setData([x].concat(chart.columns.map(function (column) {
				return samples.map(column);
			})));
			chart.element.dataset.points = String(samples.length);
			chart.element.dataset.lastAt = String(lastSampleAt);
		});
	}

	// Shades the intervals that ended with the circuit open.
	function shadeOpenCircuit(u) {
		var ctx = u.ctx;
		ctx.save();
		ctx.fillStyle = 'rgba(180, 35, 24, 0.10)';
		for (var i = 1; i < samples.length; i++) {
			if (samples[i].circuit_open) {
				var left = u.valToPos(samples[i - 1].at / 1000, 'x', true);
				var right = u.valToPos(samples[i].at / 1000, 'x', true);
				ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
			}
		}
		ctx.restore();
	}

	function chart(id, series, columns, scales, axes) {
		var element = byId(id);
		var plot = new uPlot({
			width: Math.max(element.clientWidth, 300),
			height: CHART_HEIGHT,
			scales: Object.assign({ x: { time: true, range: function () { return [window_.start, window_.end]; } } },
				scales),
			series: [{}].concat(series),
			legend: { live: false },
			axes: [{ stroke: '#6b7785', grid: { stroke: '#eef1f5' } }].concat(axes),
			hooks: {
				drawClear: [shadeOpenCircuit],
				draw: [function () { element.dataset.draws = String(Number(element.dataset.draws) + 1); }]
			}
		}, [[]].concat(columns.map(function () { return []; })), element);
		charts.push({ element: element, plot: plot, columns: columns });
	}

	function createCharts() {
		if (typeof uPlot === 'undefined') {
			showProblem('The chart library (WebJar uplot) did not load; the numbers still update.');
			return;
		}
		chart('hit-rate-chart',
			[{ label: 'hit rate', scale: '%', stroke: '#1a7f4b', width: 2, points: { show: true, size: 5 } },
			{ label: 'reads/s', scale: 'rps', stroke: '#2457c5', width: 1, fill: 'rgba(36, 87, 197, 0.08)' }],
			[function (s) { return s.hit_rate === null ? null : s.hit_rate * 100; },
				function (s) { return s.reads_per_second; }],
			{ '%': { range: [0, 100] }, rps: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
			[{ scale: '%', size: 56, stroke: '#6b7785', grid: { stroke: '#eef1f5' }, values: function (u, v) {
				return v.map(function (t) { return t + ' %'; }); } },
			{ scale: 'rps', side: 1, size: 48, stroke: '#6b7785', grid: { show: false } }]);
		chart('latency-chart',
			[{ label: 'mean', scale: 'ms', stroke: '#7c3aed', width: 2, points: { show: true, size: 5 } },
			{ label: 'max', scale: 'ms', stroke: '#d97706', width: 1 }],
			[function (s) { return s.latency_mean_ms; }, function (s) { return s.latency_max_ms; }],
			{ ms: { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.1)]; } } },
			[{ scale: 'ms', size: 56, stroke: '#6b7785', grid: { stroke: '#eef1f5' } }]);
		window.addEventListener('resize', function () {
			charts.forEach(function (c) {
				c.plot.setSize({ width: Math.max(c.element.clientWidth, 300), height: CHART_HEIGHT });
			});
		});
	}

	function poll() {
		var answered = false;
		fetch('cache/dashboard?after=' + lastSampleAt, { headers: { Accept: 'application/json' },
			signal: AbortSignal.timeout(10000) })
			.then(function (response) {
				answered = true;
				return response.json().catch(function () { return null; }).then(function (body) {
					if (!response.ok) {
						throw new Error((body && body.detail) || 'The application answered ' + response.status);
					}
					return body;
				});
			})
			.then(function (body) {
				render(body);
				byId('problem').hidden = true;
			})
			.catch(function (error) {
				showProblem(answered ? error.message : 'The application does not answer; trying again.');
				var status = byId('status');
				status.textContent = answered ? 'no data' : 'application not answering';
				status.className = 'pill ' + (answered ? 'unknown' : 'bad');
			})
			.finally(function () {
				setTimeout(poll, POLL_MS);
			});
	}

	createCharts();
	poll();
})();
