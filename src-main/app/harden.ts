/**
 * What the window's web contents may do besides showing our own page: nothing. The renderer is one page with
 * no external links, so navigation, new windows, webviews and every permission (camera, notifications,
 * clipboard reads, …) are refused, and nothing is ever handed to shell.openExternal.
 */

/** The parts of Electron's WebContents and Session this touches (fakes in tests). */
export interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  session: {
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: () => boolean): void;
  };
}

export function hardenContents(contents: ContentsLike, log: (message: string) => void = () => {}): void {
  // Navigation of a single page is a bug or an attack.
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview'] as const) contents.on(event, (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`Refused to open a window for ${url}`);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`Refused the permission "${permission}"`);
    callback(false);
  });
  contents.session.setPermissionCheckHandler(() => false);
}
