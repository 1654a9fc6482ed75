// The dashboard's behaviour on top of htmx: dialogs, copy buttons, inline rename, and the
// antiforgery header. Everything here is an enhancement: each control also works as a plain
// link or form without JavaScript. No inline scripts, so a strict Content-Security-Policy holds.
(() => {
    'use strict';

    const tokenMeta = document.querySelector('meta[name="request-verification-token"]');
    const announcer = () => document.getElementById('announcer');
    let lastOpener = null;

    // htmx 4 sends form fields only for forms; the header covers every other request.
    document.addEventListener('htmx:config:request', (event) => {
        if (tokenMeta) {
            event.detail.ctx.request.headers['RequestVerificationToken'] = tokenMeta.content;
        }
    });

    function announce(text) {
        const region = announcer();
        if (region) {
            region.textContent = '';
            window.setTimeout(() => { region.textContent = text; }, 50);
        }
    }

    function focusFirstField(container) {
        const field = container.querySelector('[autofocus]')
            ?? container.querySelector('input:not([type=hidden]):not([readonly]), button:not([disabled]), a[href]');
        field?.focus();
        if (field instanceof HTMLInputElement) {
            field.select();
        }
    }

    function openDialog(dialog, opener) {
        if (!dialog) {
            return;
        }

        lastOpener = opener;
        if (dialog.open) {
            dialog.close();
        }

        dialog.showModal();
        focusFirstField(dialog);
    }

    // The created key must not stay in the page once its dialog closes: put a fresh form back. The
    // create form is one-time, so the form put back takes the new token the server sent with the key.
    function resetCreateDialog(dialog) {
        const body = dialog.querySelector('#create-key-dialog-body');
        const template = document.getElementById('create-key-form-template');
        if (body && template && body.querySelector('[data-created-key], [data-key-already-shown], .alert.error')) {
            const nextToken = body.querySelector('[data-next-form-token]')?.dataset.nextFormToken;
            body.replaceChildren(template.content.cloneNode(true));
            const token = body.querySelector('[data-form-token]');
            if (nextToken && token) {
                token.value = nextToken;
            }

            window.htmx?.process(body);
        }
    }

    function startRename(row) {
        const form = row.querySelector('.rename-form');
        const name = row.querySelector('.key-name');
        const input = form?.querySelector('input[name=name]');
        if (!form || !input) {
            return;
        }

        name.hidden = true;
        form.hidden = false;
        input.focus();
        input.select();
    }

    function cancelRename(row) {
        const form = row.querySelector('.rename-form');
        const input = form?.querySelector('input[name=name]');
        if (!form || !input) {
            return;
        }

        input.value = input.dataset.original ?? '';
        form.hidden = true;
        row.querySelector('.key-name').hidden = false;
        row.querySelector('[data-rename-key]')?.focus();
    }

    // Icon buttons carry the text to copy; their picture stays, the confirmation is spoken and shown as a tooltip.
    async function copyText(button) {
        const title = button.title;
        try {
            await navigator.clipboard.writeText(button.dataset.copyText);
            button.title = 'Copied';
            announce('Copied to the clipboard');
        } catch {
            button.title = 'Copying is not allowed here';
        }

        window.setTimeout(() => { button.title = title; }, 2500);
    }

    // These dialogs are read from the server each time they open, so they show the grain's current
    // state: the key's origins, its usage counts, whether an earlier old key is still working.
    // onFailure is what a failed read does instead (reload, or go to the dialog's own page).
    async function openServerDialog(button, name, url, onFailure, withHtmx) {
        const dialog = document.getElementById(`${name}-dialog`);
        const body = document.getElementById(`${name}-dialog-body`);
        const response = await fetch(url, { headers: { 'HX-Request': 'true' } });
        if (!response.ok) {
            onFailure();
            return;
        }

        body.innerHTML = await response.text();
        if (withHtmx) {
            window.htmx?.process(body);
        }

        openDialog(dialog, button);
    }

    const openOrigins = button =>
        openServerDialog(button, 'origins', button.dataset.originsUrl, () => window.location.reload(), true);

    const openUsage = button =>
        openServerDialog(button, 'usage', button.dataset.usageUrl, () => window.location.assign(button.dataset.usageUrl), false);

    const openRoll = button =>
        openServerDialog(button, 'roll-key', button.dataset.rollUrl, () => window.location.reload(), true);

    // The rolled key must not stay in the page once its dialog closes; the next roll fetches a fresh form.
    function resetRollDialog(dialog) {
        dialog.querySelector('#roll-key-dialog-body')?.replaceChildren();
    }

    async function copyFrom(button) {
        const field = document.getElementById(button.dataset.copy);
        if (!field) {
            return;
        }

        const label = button.textContent;
        try {
            await navigator.clipboard.writeText(field.value);
            button.textContent = 'Copied';
            announce('Copied to the clipboard');
        } catch {
            // Without clipboard access the text is selected, ready for Ctrl+C.
            field.focus();
            field.select();
            button.textContent = 'Press Ctrl+C';
        }

        window.setTimeout(() => { button.textContent = label; }, 2500);
    }

    document.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target : null;
        if (!target) {
            return;
        }

        const opener = target.closest('[data-open-dialog]');
        if (opener) {
            event.preventDefault();
            openDialog(document.getElementById(opener.dataset.openDialog), opener);
            return;
        }

        const closer = target.closest('[data-close-dialog]');
        if (closer?.closest('dialog')?.open) {
            event.preventDefault();
            const dialog = closer.closest('dialog');
            dialog.close();
            if (dialog.id === 'create-key-dialog') {
                resetCreateDialog(dialog);
            }
            if (dialog.id === 'roll-key-dialog') {
                resetRollDialog(dialog);
            }
            return;
        }

        const copy = target.closest('[data-copy]');
        if (copy) {
            event.preventDefault();
            copyFrom(copy);
            return;
        }

        const copyTextButton = target.closest('[data-copy-text]');
        if (copyTextButton) {
            event.preventDefault();
            copyText(copyTextButton);
            return;
        }

        const origins = target.closest('[data-origins-url]');
        if (origins) {
            event.preventDefault();
            openOrigins(origins);
            return;
        }

        const roll = target.closest('[data-roll-url]');
        if (roll) {
            event.preventDefault();
            openRoll(roll);
            return;
        }

        const usage = target.closest('[data-usage-url]');
        if (usage) {
            event.preventDefault();
            openUsage(usage);
            return;
        }

        const rename = target.closest('[data-rename-key]');
        if (rename) {
            event.preventDefault();
            startRename(rename.closest('tr'));
            return;
        }

        const cancel = target.closest('[data-cancel-rename]');
        if (cancel) {
            event.preventDefault();
            cancelRename(cancel.closest('tr'));
            return;
        }

        const revoke = target.closest('[data-revoke-key]');
        if (revoke) {
            event.preventDefault();
            const dialog = document.getElementById('revoke-key-dialog');
            dialog.querySelector('[data-revoke-key-id]').value = revoke.dataset.revokeKey;
            dialog.querySelector('[data-revoke-label]').textContent = revoke.dataset.keyLabel;
            openDialog(dialog, revoke);
        }
    });

    // Escape in the rename field restores the old name without a request.
    document.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && event.target instanceof Element && event.target.matches('.rename-form input[name=name]')) {
            event.preventDefault();
            cancelRename(event.target.closest('tr'));
        }
    });

    // Escape fires 'cancel' before the dialog hides, while 'close' only comes a task later:
    // wiping the created key here keeps it from outliving the dialog even for a moment.
    document.addEventListener('cancel', (event) => {
        if (event.target instanceof HTMLDialogElement && event.target.id === 'create-key-dialog') {
            resetCreateDialog(event.target);
        }
        if (event.target instanceof HTMLDialogElement && event.target.id === 'roll-key-dialog') {
            resetRollDialog(event.target);
        }
    }, true);

    // 'close' does not bubble; listen while it passes down.
    document.addEventListener('close', (event) => {
        const dialog = event.target;
        if (!(dialog instanceof HTMLDialogElement)) {
            return;
        }

        if (dialog.id === 'create-key-dialog') {
            resetCreateDialog(dialog);
        }
        if (dialog.id === 'roll-key-dialog') {
            resetRollDialog(dialog);
        }

        // A rolled signing secret is shown once: it leaves the page with its dialog.
        if (dialog.id === 'origins-dialog' && dialog.querySelector('[data-rolled-signing-secret]')) {
            document.getElementById('origins-dialog-body').replaceChildren();
        }

        const returnTo = lastOpener?.isConnected ? lastOpener : document.querySelector('#create-key-area button:not([disabled])');
        returnTo?.focus();
        lastOpener = null;
    }, true);

    // Sent by the server (HX-Trigger) once a revoke succeeded.
    document.addEventListener('mentiora:key-revoked', () => {
        document.getElementById('revoke-key-dialog')?.close();
        announce('The key was revoked');
    });

    document.addEventListener('htmx:after:swap', (event) => {
        // After adding an origin, the field is ready for the next one; after a test, the tested one stays under the cursor.
        if (event.target instanceof Element && event.target.id === 'origins-dialog-body') {
            (event.target.querySelector('[data-focus-after-swap]') ?? event.target.querySelector('#new-origin'))?.focus();
            return;
        }

        const created = document.getElementById('created-api-key');
        if (created && event.target instanceof Element && event.target.closest('#create-key-dialog, #roll-key-dialog')) {
            created.focus();
            created.select();
            return;
        }

        // After a rename, keyboard focus returns to the row it came from.
        const row = event.detail?.ctx?.target;
        if (row instanceof Element && row.matches?.('[data-key-row]')) {
            const fresh = document.getElementById(row.id);
            const field = fresh?.querySelector('.rename-form:not([hidden]) input[name=name]');
            (field ?? fresh?.querySelector('[data-rename-key]'))?.focus();
        }
    });
    // On a trace page, the span chosen in the tree is marked as the one the panel shows (htmx swaps
    // the panel in; without JavaScript the link loads the page with the span marked by the server).
    document.addEventListener('click', (event) => {
        const link = event.target instanceof Element ? event.target.closest('a[data-span-link]') : null;
        if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
            return;
        }

        document.querySelectorAll('a[data-span-link][aria-current]').forEach((other) => other.removeAttribute('aria-current'));
        link.setAttribute('aria-current', 'true');
    });
})();
