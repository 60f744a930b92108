/** Renderer entry: picks the transport, then mounts the shell. */
import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api/client';
import './styles.css';

// The web mode's token arrives in the URL once; the server has set a cookie, so drop it from the
// address bar (and from anything a screenshot or a bookmark would keep).
if (new URL(location.href).searchParams.has('token')) history.replaceState(null, '', location.pathname);

mount(App, { target: document.getElementById('app')!, props: { client: createClient() } });
