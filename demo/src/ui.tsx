import type { ReactNode } from "react";

/** A page's title and lead paragraph. */
export function PageHead({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      <p className="lead">{children}</p>
    </div>
  );
}

/** A labelled value in a stats row or a details grid. */
export function Field({
  label,
  children,
  testId,
  mono = false,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  mono?: boolean;
}): ReactNode {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd className={mono ? "mono" : undefined} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
