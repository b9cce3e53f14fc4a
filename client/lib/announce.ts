/** Screen-reader announcements through the page's polite live region. */
let timer: ReturnType<typeof setTimeout> | undefined;

export function announce(text: string): void {
  const region = document.getElementById('live-announcer');
  if (!region) return;
  // Emptying first makes the same sentence twice in a row be read twice.
  region.textContent = '';
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    region.textContent = text;
  }, 60);
}
