import { Link } from '@tanstack/react-router';
import { buttonClass } from '../../components/ui/button';
import { usePageTitle } from '../../lib/use-page-title';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <main id="main" className="mx-auto max-w-lg p-6 text-center">
      <h1 className="mt-12 text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-700">The page you are looking for does not exist.</p>
      <Link to="/" className={buttonClass('primary', 'md', 'mt-6')}>
        Go to the dashboard
      </Link>
    </main>
  );
}
