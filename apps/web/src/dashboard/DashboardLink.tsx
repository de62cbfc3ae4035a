/**
 * The notebook's way to its dashboard, one click like Zeppelin's report mode: the live outputs without code. A plain
 * link: it opens in this tab, or in a new one for a wall screen.
 */
export function DashboardLink({ name }: { name: string }) {
  return (
    <a className="dashboard-link button-like" href={`/dashboard/${name}`} data-testid="open-dashboard" title="The live outputs of this notebook, without code (for a wall screen)">
      ▦ Dashboard
    </a>
  );
}
