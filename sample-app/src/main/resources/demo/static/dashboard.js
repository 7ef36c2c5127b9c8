// The demo dashboard: renders the state the launcher pushes (server-sent events from
// api/events, every 100 ms) and sends the buttons' actions to api/*. No build step, no library.
'use strict';

const byId = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const cards = new Map();
let topology = null;
let lastTimelineKey = '';
let lastFailoverAt = null;
let current = null;

// ---- helpers ---------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		if (name === 'class') {
			node.className = value;
		}
		else if (name.startsWith('on')) {
			node.addEventListener(name.substring(2), value);
		}
		else {
			node.setAttribute(name, value);
		}
	}
	for (const child of children) {
		node.append(child);
	}
	return node;
}

function svg(tag, attributes = {}) {
	const node = document.createElementNS(SVG, tag);
	for (const [name, value] of Object.entries(attributes)) {
		node.setAttribute(name, value);
	}
	return node;
}

function setText(node, text) {
	if (node.textContent !== text) {
		node.textContent = text;
	}
}

function time(iso) {
	if (!iso) {
		return '—';
	}
	const date = new Date(iso);
	const pad = (n, width = 2) => String(n).padStart(width, '0');
	return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function age(millis) {
	if (millis == null) {
		return 'never';
	}
	if (millis < 1000) {
		return `${millis} ms ago`;
	}
	if (millis < 60000) {
		return `${(millis / 1000).toFixed(1)} s ago`;
	}
	return `${Math.round(millis / 60000)} min ago`;
}

function freshness(millis) {
	if (millis == null) {
		return 'dead';
	}
	return millis <= 250 ? 'fresh' : millis <= 2000 ? 'stale' : 'dead';
}

function since(nowIso, iso) {
	return iso ? Math.max(0, new Date(nowIso) - new Date(iso)) : null;
}

function alive(replica) {
	return ['STARTING', 'UP', 'UNRESPONSIVE', 'STOPPING'].includes(replica.process);
}

// What a card's badge says: the role, but "leader" only with the lease.
function roleOf(replica) {
	if (!alive(replica)) {
		return { key: 'down', text: replica.process === 'KILLED' ? 'killed' : replica.process === 'EXITED' ? 'exited' : 'stopped' };
	}
	if (replica.process === 'STOPPING') {
		return { key: 'down', text: 'stopping' };
	}
	const raft = replica.raft;
	if (!raft) {
		return { key: 'starting', text: replica.process === 'UNRESPONSIVE' ? 'not answering' : 'starting' };
	}
	if (raft.leader) {
		return { key: 'leader', text: 'leader' };
	}
	switch (raft.role) {
		case 'LEADER': return { key: 'candidate', text: 'leader, no lease' };
		case 'CANDIDATE': return { key: 'candidate', text: 'candidate' };
		case 'PRE_CANDIDATE': return { key: 'candidate', text: 'pre-candidate' };
		default: return { key: 'follower', text: 'follower' };
	}
}

// ---- actions ---------------------------------------------------------------------------------

let toastTimer = null;

function toast(message, ok) {
	const node = byId('toast');
	node.textContent = message;
	node.className = `toast show ${ok ? 'ok' : 'failed'}`;
	clearTimeout(toastTimer);
	toastTimer = setTimeout(() => { node.className = 'toast'; }, 4000);
}

async function act(path, button) {
	if (button) {
		button.disabled = true;
	}
	try {
		const response = await fetch(path, { method: 'POST' });
		const result = await response.json();
		toast(result.message, result.ok);
	}
	catch (error) {
		toast(`The launcher did not answer: ${error}`, false);
	}
	finally {
		if (button) {
			setTimeout(() => { button.disabled = false; if (current) { render(current); } }, 300);
		}
	}
}

// ---- replica cards ---------------------------------------------------------------------------

function card(replica) {
	let view = cards.get(replica.id);
	if (view) {
		return view;
	}
	view = {};
	view.badge = el('span', { class: 'badge', 'data-testid': 'role' });
	view.process = el('span', { class: 'proc-line' });
	view.term = el('dd', { 'data-testid': 'term' });
	view.follows = el('dd', { 'data-testid': 'follows' });
	view.lease = el('dd', { 'data-testid': 'lease' });
	view.heardLabel = el('dt', {}, 'Leader heard');
	view.heard = el('dd');
	view.peersNote = el('p', { class: 'peers-note' });
	view.peers = el('tbody');
	view.jobRuns = el('span', { class: 'runs' });
	view.jobTail = el('pre', { class: 'tail', 'data-testid': 'job-tail' });
	view.stop = el('button', { type: 'button', class: 'secondary', 'data-testid': 'stop',
		title: 'SIGTERM: the replica shuts down gracefully; a leader hands over first',
		onclick: (event) => act(`api/replicas/${replica.id}/stop`, event.currentTarget) }, 'Stop');
	view.start = el('button', { type: 'button', class: 'secondary', 'data-testid': 'start',
		title: 'Starts the replica again, with the term and vote it kept on disk',
		onclick: (event) => act(`api/replicas/${replica.id}/start`, event.currentTarget) }, 'Start');
	view.kill = el('button', { type: 'button', class: 'danger', 'data-testid': 'kill',
		title: 'SIGKILL: the process dies at once, without a word to the others',
		onclick: (event) => act(`api/replicas/${replica.id}/kill`, event.currentTarget) }, 'Kill');
	view.transfer = el('button', { type: 'button', class: 'primary', 'data-testid': 'make-leader',
		title: `Asks the leader to hand leadership over to ${replica.id}`,
		onclick: (event) => act(`api/transfer?target=${replica.id}`, event.currentTarget) }, 'Make leader');
	view.root = el('article', { class: 'card', 'data-testid': `replica-${replica.id}`, 'data-replica': replica.id },
		el('header', {},
			el('h2', {}, replica.id),
			el('span', { class: 'port' }, `:${replica.port}`),
			view.badge),
		view.process,
		el('dl', {},
			el('dt', {}, 'Term'), view.term,
			el('dt', {}, 'Follows'), view.follows,
			el('dt', { title: 'Whether this replica is the active leader right now: RaftLeadership.isLeader()' }, 'Lease'), view.lease,
			view.heardLabel, view.heard),
		el('table', { class: 'peers' },
			el('thead', {}, el('tr', {},
				el('th', {}, 'Peer'),
				el('th', { title: 'Age of the last successful RPC this replica sent to the peer (followers send none between elections)' }, 'Last contact'),
				el('th', { title: 'Circuit breaker guarding calls to the peer' }, 'Breaker'))),
			view.peers),
		view.peersNote,
		el('div', { class: 'job-box' },
			el('div', { class: 'job-head' }, el('span', {}, 'Job log'), view.jobRuns),
			view.jobTail),
		el('div', { class: 'buttons' }, view.stop, view.start, view.kill, view.transfer));
	byId('replicas').append(view.root);
	cards.set(replica.id, view);
	return view;
}

function renderCard(state, replica) {
	const view = card(replica);
	const role = roleOf(replica);
	const raft = replica.raft;
	view.root.dataset.role = role.key;
	view.root.dataset.process = replica.process;
	setText(view.badge, role.text);
	view.badge.className = `badge ${role.key}`;
	setText(view.process, alive(replica)
		? `pid ${replica.pid ?? '—'} · ${replica.process.toLowerCase()}${replica.cut.length ? ` · cut off from ${replica.cut.join(', ')}` : ''}`
		: `process ${replica.process.toLowerCase()}`);
	setText(view.term, raft ? String(raft.term) : '—');
	setText(view.follows, raft ? (raft.leader ? 'itself' : (raft.leaderId ?? 'no leader known')) : '—');
	const leading = Boolean(raft && raft.leader);
	setText(view.lease, leading ? 'held' : raft ? 'not held' : '—');
	view.lease.className = leading ? 'held' : '';
	setText(view.heardLabel, leading ? 'Leading for' : 'Leader heard');
	view.heardLabel.title = leading ? 'Since leaderSince: when this replica became the active leader'
		: 'lastLeaderContact: when this replica last heard from a leader';
	setText(view.heard, leading ? formatDuration(since(state.now, raft.leaderSince)) : raft ? age(since(state.now, raft.lastLeaderContact)) : '—');
	view.root.querySelector('table.peers').classList.toggle('idle', !leading);
	setText(view.peersNote, !raft ? '' : leading ? 'The leader sends a heartbeat to every peer every 50 ms.'
		: 'A follower sends RPCs only when it campaigns: these date from its last election.');
	renderPeers(view, replica);
	setText(view.jobRuns, `${replica.jobRuns} runs`);
	const tail = replica.jobTail.map(shortRun).join('\n');
	setText(view.jobTail, tail || 'no runs yet: only the leader runs the job');
	const lastRun = replica.jobTail.length ? JSON.parse(replica.jobTail[replica.jobTail.length - 1]).start : null;
	view.jobTail.classList.toggle('active', lastRun != null && since(state.now, lastRun) < 1000);
	const isAlive = alive(replica) && replica.process !== 'STOPPING';
	view.stop.hidden = !isAlive;
	view.kill.hidden = !isAlive;
	view.start.hidden = alive(replica);
	view.transfer.hidden = !(isAlive && raft && !raft.leader && state.leader);
}

function formatDuration(millis) {
	if (millis == null) {
		return '—';
	}
	return millis < 1000 ? `${millis} ms` : millis < 60000 ? `${(millis / 1000).toFixed(1)} s` : `${Math.floor(millis / 60000)} min ${Math.round((millis % 60000) / 1000)} s`;
}

function shortRun(line) {
	try {
		const run = JSON.parse(line);
		return `${time(run.start)}  term ${run.term}${run.confirmed ? '' : '  (lease ended)'}`;
	}
	catch (error) {
		return line;
	}
}

function renderPeers(view, replica) {
	const peers = replica.raft ? replica.raft.peers : [];
	const rows = peers.map((peer) => {
		const cut = replica.cut.includes(peer.id);
		return { id: peer.id, cut, age: peer.millisSinceLastContact, breaker: peer.circuitBreaker };
	});
	const key = rows.map((row) => `${row.id}|${row.cut}|${row.age}|${row.breaker}`).join(';');
	if (view.peersKey === key) {
		return;
	}
	view.peersKey = key;
	view.peers.replaceChildren(...rows.map((row) => el('tr', { class: row.cut ? 'cut' : '' },
		el('td', {}, row.id),
		el('td', { class: freshness(row.age) }, row.cut ? `link cut · ${age(row.age)}` : age(row.age)),
		el('td', { class: `breaker ${(row.breaker || '').toLowerCase()}` }, (row.breaker || '—').replace('_', ' ').toLowerCase()))));
	if (!rows.length) {
		view.peers.replaceChildren(el('tr', {}, el('td', { colspan: '3', class: 'muted' }, 'not answering')));
	}
}

// ---- network ---------------------------------------------------------------------------------

function positions(replicas) {
	const cx = 150;
	const cy = 128;
	const r = 80;
	const result = new Map();
	replicas.forEach((replica, i) => {
		const angle = -Math.PI / 2 + (i * 2 * Math.PI) / replicas.length;
		result.set(replica.id, { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
	});
	return result;
}

function renderNetwork(state) {
	const root = byId('topology');
	if (!topology) {
		topology = { links: new Map(), nodes: new Map(), rows: new Map() };
		const at = positions(state.replicas);
		for (const link of state.links) {
			const a = at.get(link.a);
			const b = at.get(link.b);
			const group = svg('g', { class: 'link', 'data-testid': `link-${link.a}-${link.b}` });
			const line = svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'wire' });
			const hit = svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'hit' });
			const mark = svg('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 + 5, class: 'scissors' });
			mark.textContent = '✂';
			const title = svg('title');
			group.append(title, line, hit, mark);
			group.addEventListener('click', () => {
				const cut = topology.links.get(`${link.a}-${link.b}`).cut;
				act(`api/links/${link.a}/${link.b}/${cut ? 'heal' : 'cut'}`);
			});
			root.append(group);
			topology.links.set(`${link.a}-${link.b}`, { group, title, cut: link.cut });

			const button = el('button', { type: 'button', class: 'secondary small', 'data-testid': `toggle-link-${link.a}-${link.b}` });
			const status = el('span', { class: 'link-state' });
			button.addEventListener('click', (event) => {
				const cut = topology.links.get(`${link.a}-${link.b}`).cut;
				act(`api/links/${link.a}/${link.b}/${cut ? 'heal' : 'cut'}`, event.currentTarget);
			});
			const row = el('li', { 'data-testid': `link-row-${link.a}-${link.b}` },
				el('span', { class: 'pair' }, `${link.a} ↔ ${link.b}`), status, button);
			byId('links').append(row);
			topology.rows.set(`${link.a}-${link.b}`, { row, status, button });
		}
		for (const replica of state.replicas) {
			const p = at.get(replica.id);
			const group = svg('g', { class: 'node' });
			const halo = svg('circle', { cx: p.x, cy: p.y, r: 30, class: 'halo' });
			const circle = svg('circle', { cx: p.x, cy: p.y, r: 23, class: 'dot' });
			const label = svg('text', { x: p.x, y: p.y + 5, class: 'name' });
			label.textContent = replica.id;
			const crown = svg('text', { x: p.x, y: p.y - 33, class: 'crown' });
			crown.textContent = '♛';
			group.append(halo, circle, label, crown);
			root.append(group);
			topology.nodes.set(replica.id, group);
		}
	}
	for (const link of state.links) {
		const view = topology.links.get(`${link.a}-${link.b}`);
		view.cut = link.cut;
		view.group.classList.toggle('cut', link.cut);
		setText(view.title, link.cut ? `${link.a} ↔ ${link.b} cut: click to heal` : `${link.a} ↔ ${link.b}: click to cut`);
		const row = topology.rows.get(`${link.a}-${link.b}`);
		row.row.classList.toggle('cut', link.cut);
		setText(row.status, link.cut ? 'cut' : 'connected');
		setText(row.button, link.cut ? 'Heal' : 'Cut');
	}
	for (const replica of state.replicas) {
		topology.nodes.get(replica.id).setAttribute('class', `node ${roleOf(replica).key}`);
	}
}

// ---- header, timeline, job -------------------------------------------------------------------

function renderHeadline(state) {
	const leader = state.leader;
	setText(byId('leader-name'), leader ?? 'none');
	byId('headline').classList.toggle('none', !leader);
	setText(byId('leader-detail'), leader
		? `term ${state.term} · leading for ${formatDuration(since(state.now, state.leaderSince))}`
		: state.pending ? 'election under way…' : 'no replica holds the lease');
	const box = byId('failover-box');
	const failover = state.lastFailover;
	if (state.pending) {
		box.classList.add('pending');
		setText(byId('failover-time'), `${formatDuration(since(state.now, state.pending.at))}…`);
		setText(byId('failover-detail'), `${state.pending.cause}; waiting for a new leader`);
	}
	else {
		box.classList.remove('pending');
		if (failover) {
			setText(byId('failover-time'), `${failover.millis} ms`);
			setText(byId('failover-detail'), `${failover.to} leads term ${failover.term}, after: ${failover.cause}`);
			if (lastFailoverAt !== failover.at) {
				if (lastFailoverAt !== null) {
					box.classList.remove('flash');
					void box.offsetWidth;
					box.classList.add('flash');
				}
				lastFailoverAt = failover.at;
			}
		}
	}
	byId('kill-leader').disabled = !leader;
	byId('transfer-leadership').disabled = !leader;
}

const ICONS = { LEADER: '♛', PROCESS: '●', LINK: '✂', TRANSFER: '⇄', GROUP: '◆' };

function renderTimeline(state) {
	const key = state.timeline.map((entry) => entry.id).join(',');
	if (key === lastTimelineKey) {
		return;
	}
	lastTimelineKey = key;
	const items = state.timeline.map((entry) => {
		return el('li', { class: `entry kind-${entry.kind.toLowerCase()}`, 'data-kind': entry.kind },
			el('time', {}, time(entry.at)),
			el('span', { class: 'icon' }, ICONS[entry.kind] ?? '•'),
			el('span', { class: 'what' }, entry.text, ...(entry.detail ? [el('small', {}, entry.detail)] : [])),
			...(entry.failoverMillis != null ? [el('span', { class: 'failover-badge', 'data-testid': 'failover-badge' }, `${entry.failoverMillis} ms`)] : []));
	});
	byId('timeline').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, 'Nothing yet.')]));
}

function renderJob(state) {
	const items = state.job.slice(0, 12).map((segment, index) => {
		const running = index === 0 && segment.node === state.leader && since(state.now, segment.last) < 1000;
		return el('li', { class: running ? 'running' : '' },
			el('span', { class: `chip node-${segment.node}` }, segment.node),
			el('span', { class: 'term' }, `term ${segment.term}`),
			el('span', { class: 'count' }, `${segment.runs} run${segment.runs === 1 ? '' : 's'}`),
			el('span', { class: 'span' }, `${time(segment.first)} → ${running ? 'now' : time(segment.last)}`),
			...(segment.unconfirmed ? [el('span', { class: 'warn' }, `${segment.unconfirmed} after lease end`)] : []));
	});
	byId('job').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, 'No runs yet.')]));
}

// One row per election group, one column per replica: the cell of the group's leader holds
// the crown and the group's term. Shown only when the demo runs with demo.groups.
function renderGroups(state) {
	const groups = state.groups || [];
	const panel = byId('groups');
	panel.hidden = groups.length === 0;
	document.querySelector('main').classList.toggle('with-groups', groups.length > 0);
	if (!groups.length) {
		return;
	}
	const ids = state.replicas.map((replica) => replica.id);
	const headKey = ids.join(',');
	const head = byId('groups-head');
	if (head.dataset.key !== headKey) {
		head.dataset.key = headKey;
		head.replaceChildren(el('th', {}, 'Group'), ...ids.map((id) => el('th', {}, id)),
			el('th', { title: 'Runs of the group\'s job, on any replica, by the job logs' }, 'Job runs'));
	}
	const down = new Set(state.replicas.filter((replica) => roleOf(replica).key === 'down').map((replica) => replica.id));
	byId('groups-rows').replaceChildren(...groups.map((group) => el('tr',
		{ 'data-testid': `group-${group.name}`, 'data-group': group.name, 'data-leader': group.leader ?? '' },
		el('th', {}, group.name),
		...ids.map((id) => id === group.leader
			? el('td', { class: 'leads', 'data-testid': `group-${group.name}-${id}` }, `♛ term ${group.term}`)
			: el('td', { class: down.has(id) ? 'down' : '', 'data-testid': `group-${group.name}-${id}` }, down.has(id) ? 'down' : '')),
		el('td', { class: 'runs' }, String(group.jobRuns)))));
}

function render(state) {
	current = state;
	if (!state.replicas) {
		return;
	}
	renderHeadline(state);
	state.replicas.forEach((replica) => renderCard(state, replica));
	renderNetwork(state);
	renderGroups(state);
	renderTimeline(state);
	renderJob(state);
	setText(byId('dir'), state.dir);
}

// ---- wiring ----------------------------------------------------------------------------------

function connect() {
	// The first state at once, then every update as a server-sent event
	fetch('api/state').then((response) => response.json()).then((state) => current || render(state)).catch(() => {});
	const events = new EventSource('api/events');
	events.addEventListener('state', (event) => {
		byId('offline').hidden = true;
		document.body.classList.add('live');
		render(JSON.parse(event.data));
	});
	events.addEventListener('error', () => {
		byId('offline').hidden = false;
		document.body.classList.remove('live');
	});
}

byId('kill-leader').addEventListener('click', (event) => act('api/kill-leader', event.currentTarget));
byId('transfer-leadership').addEventListener('click', (event) => act('api/transfer', event.currentTarget));
connect();
