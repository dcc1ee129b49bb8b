package com.journeyanalytics.jobs.serving;

import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.AnalysisContext$;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.catalog.HiveTableRelation;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.DescribeFunction;
import org.apache.spark.sql.catalyst.plans.logical.DescribeNamespace;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.plans.logical.SetCatalogAndNamespace;
import org.apache.spark.sql.catalyst.plans.logical.ShowColumns;
import org.apache.spark.sql.catalyst.plans.logical.ShowCreateTable;
import org.apache.spark.sql.catalyst.plans.logical.ShowFunctions;
import org.apache.spark.sql.catalyst.plans.logical.ShowNamespaces;
import org.apache.spark.sql.catalyst.plans.logical.ShowPartitions;
import org.apache.spark.sql.catalyst.plans.logical.ShowTableExtended;
import org.apache.spark.sql.catalyst.plans.logical.ShowTableProperties;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.ShowViews;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.delta.DeltaLogFileIndex;
import org.apache.spark.sql.delta.DeltaParquetFileFormat;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.delta.commands.DescribeDeltaDetailCommand;
import org.apache.spark.sql.delta.commands.DescribeDeltaHistory;
import org.apache.spark.sql.delta.commands.DescribeDeltaHistoryCommand;
import org.apache.spark.sql.delta.files.TahoeFileIndex;
import org.apache.spark.sql.execution.command.DescribeColumnCommand;
import org.apache.spark.sql.execution.command.DescribeDatabaseCommand;
import org.apache.spark.sql.execution.command.DescribeFunctionCommand;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.DescribeTableCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.command.SetNamespaceCommand;
import org.apache.spark.sql.execution.command.ShowCatalogsCommand;
import org.apache.spark.sql.execution.command.ShowColumnsCommand;
import org.apache.spark.sql.execution.command.ShowCreateTableAsSerdeCommand;
import org.apache.spark.sql.execution.command.ShowCreateTableCommand;
import org.apache.spark.sql.execution.command.ShowCurrentNamespaceCommand;
import org.apache.spark.sql.execution.command.ShowFunctionsCommand;
import org.apache.spark.sql.execution.command.ShowPartitionsCommand;
import org.apache.spark.sql.execution.command.ShowTablePropertiesCommand;
import org.apache.spark.sql.execution.command.ShowTablesCommand;
import org.apache.spark.sql.execution.command.ShowViewsCommand;
import org.apache.spark.sql.execution.datasources.DataSource$;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * The SQL endpoint's read-only rule, checked on every statement's analyzed plan (an analyzer check
 * rule, so it runs before any command executes and whatever the statement's spelling): a statement
 * may only query tables and views of the session catalog and look at metadata.
 *
 * <p>Refused: every command that is not on the list of metadata reads below (so DROP, DELETE,
 * INSERT, UPDATE, MERGE, CREATE, ALTER, TRUNCATE, CACHE, REFRESH, ANALYZE, ADD JAR/FILE/ARCHIVE,
 * CREATE FUNCTION, SET key=value, RESET ...); reads of files by path ({@code text.`/path`},
 * {@code delta.`/path`}, ...) and of tables outside the session catalog; programs run by
 * {@code TRANSFORM ... USING} and Java methods called by {@code reflect}/{@code java_method}.
 * Views stored in the metastore are trusted as a whole: only the job creates them.
 */
public final class ReadOnlySql {

  /** Commands that only read metadata, before and after the analyzer resolves them to v1 commands. */
  private static final Set<Class<?>> METADATA_READS = Set.of(
      ShowTables.class, ShowTablesCommand.class, ShowTableExtended.class, ShowViews.class, ShowViewsCommand.class,
      ShowNamespaces.class, ShowColumns.class, ShowColumnsCommand.class, ShowFunctions.class, ShowFunctionsCommand.class,
      ShowPartitions.class, ShowPartitionsCommand.class, ShowTableProperties.class, ShowTablePropertiesCommand.class,
      ShowCreateTable.class, ShowCreateTableCommand.class, ShowCreateTableAsSerdeCommand.class,
      ShowCatalogsCommand.class, ShowCurrentNamespaceCommand.class,
      DescribeRelation.class, DescribeTableCommand.class, DescribeColumn.class, DescribeColumnCommand.class,
      DescribeNamespace.class, DescribeDatabaseCommand.class, DescribeFunction.class, DescribeFunctionCommand.class,
      DescribeQueryCommand.class, DescribeDeltaDetailCommand.class, DescribeDeltaHistory.class,
      DescribeDeltaHistoryCommand.class,
      ExplainCommand.class, SetCatalogAndNamespace.class, SetNamespaceCommand.class);

  private static final String SESSION_CATALOG = "spark_catalog";

  private ReadOnlySql() {}

  /** Thrown for a statement the endpoint refuses; clients see its message. */
  public static final class RefusedStatementException extends RuntimeException {
    RefusedStatementException(String message) {
      super("refused by the read-only SQL endpoint: " + message);
    }
  }

  /** Adds the rules to sessions built with {@code extensions}; call it before Delta's extension is applied. */
  public static void install(SparkSessionExtensions extensions) {
    Function1<LogicalPlan, BoxedUnit> rule = plan -> {
      check(plan);
      return BoxedUnit.UNIT;
    };
    extensions.injectCheckRule(session -> rule);
    extensions.injectResolutionRule(session -> new RefuseFileRelations(session));
    extensions.injectParser((session, delegate) -> new RefusingParser(delegate));
  }

  /**
   * Judges a statement as soon as it is parsed, before the analyzer: a write to a view (every
   * relation of the journey database is one) would otherwise fail in the analyzer with Spark's
   * own message ("not allowed on a view", a Delta time-travel error) instead of this endpoint's.
   * The check rule judges the analyzed plan as well, for what only resolution reveals.
   */
  private static final class RefusingParser implements ParserInterface {
    private final ParserInterface delegate;

    RefusingParser(ParserInterface delegate) {
      this.delegate = delegate;
    }

    @Override
    public LogicalPlan parsePlan(String sqlText) throws ParseException {
      LogicalPlan plan = delegate.parsePlan(sqlText);
      if (plan instanceof InsertIntoStatement) {
        throw new RefusedStatementException("INSERT (statements that change data are not allowed)");
      }
      check(plan);
      return plan;
    }

    @Override
    public LogicalPlan parseQuery(String sqlText) throws ParseException {
      return delegate.parseQuery(sqlText);
    }

    @Override
    public Expression parseExpression(String sqlText) throws ParseException {
      return delegate.parseExpression(sqlText);
    }

    @Override
    public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
      return delegate.parseTableIdentifier(sqlText);
    }

    @Override
    public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
      return delegate.parseFunctionIdentifier(sqlText);
    }

    @Override
    public scala.collection.Seq<String> parseMultipartIdentifier(String sqlText) throws ParseException {
      return delegate.parseMultipartIdentifier(sqlText);
    }

    @Override
    public StructType parseTableSchema(String sqlText) throws ParseException {
      return delegate.parseTableSchema(sqlText);
    }

    @Override
    public DataType parseDataType(String sqlText) throws ParseException {
      return delegate.parseDataType(sqlText);
    }
  }

  /**
   * Judges relations as they resolve (installed before Delta's rules, see {@link #checkRelation}).
   * With SQL on files off (the endpoint's default), {@code text.`/path`} stays an unresolved
   * relation and would fail as "table not found"; this says why instead. A relation still
   * unresolved when this runs is no table of the catalog (table lookup runs first), and its first
   * part naming a data source format makes it a path read. With SQL on files turned back on by a
   * client, the file relation resolves and {@link #check} refuses it.
   */
  private static final class RefuseFileRelations extends Rule<LogicalPlan> {
    private final SparkSession session;

    RefuseFileRelations(SparkSession session) {
      this.session = session;
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
      if (AnalysisContext$.MODULE$.get().nestedViewDepth() > 0) {
        // The body of a view stored in the metastore: trusted (only the job creates views).
        return plan;
      }
      plan.foreach(node -> {
        if (node instanceof UnresolvedRelation relation && relation.multipartIdentifier().size() == 2
            && isDataSource(relation.multipartIdentifier().head())) {
          throw new RefusedStatementException("reading files by path (" + relation.multipartIdentifier().mkString(".")
              + "); query the tables and views of the database instead");
        }
        checkRelation(node);
        return BoxedUnit.UNIT;
      });
      return plan;
    }

    private boolean isDataSource(String name) {
      try {
        DataSource$.MODULE$.lookupDataSource(name, session.sessionState().conf());
        return true;
      } catch (Exception e) {
        return false;
      }
    }
  }

  /** Throws {@link RefusedStatementException} unless {@code plan} (analyzed) only reads. */
  public static void check(LogicalPlan plan) {
    if (plan instanceof View view && !view.isTempView()) {
      return;
    }
    checkNode(plan);
    for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      check(child);
    }
    for (LogicalPlan subquery : JavaConverters.seqAsJavaList(plan.subqueries())) {
      check(subquery);
    }
  }

  private static void checkNode(LogicalPlan node) {
    if (node instanceof SetCommand set) {
      // SET and SET key show settings; SET key=value changes them.
      if (set.kv().isDefined() && set.kv().get()._2().isDefined()) {
        throw new RefusedStatementException("SET " + set.kv().get()._1() + "=... (settings cannot be changed)");
      }
      return;
    }
    if (node instanceof Command && !METADATA_READS.contains(node.getClass())) {
      throw new RefusedStatementException(node.nodeName()
          + " (statements that change data or metadata or load code are not allowed; only queries, SHOW, DESCRIBE, EXPLAIN and USE)");
    }
    if (node instanceof ScriptTransformation) {
      throw new RefusedStatementException("TRANSFORM ... USING (running programs is not allowed)");
    }
    checkRelation(node);
    if (!(node instanceof HiveTableRelation)) {
      for (Expression expression : JavaConverters.seqAsJavaList(node.expressions())) {
        if (expression.exists(e -> e instanceof CallMethodViaReflection)) {
          throw new RefusedStatementException("reflect / java_method (calling Java methods is not allowed)");
        }
      }
    }
  }

  /**
   * Refuses a relation that is not a table of the session catalog. Delta turns its catalog tables
   * into file relations without their catalog entry (DeltaAnalysis), so a Delta table is judged
   * while it is still a DataSourceV2Relation (by the resolution rule, which runs before Delta's),
   * and its file relation is let through afterwards; any other file relation needs a catalog table.
   */
  private static void checkRelation(LogicalPlan node) {
    if (node instanceof LogicalRelation relation && relation.catalogTable().isEmpty() && !isDeltaFiles(relation)) {
      throw new RefusedStatementException("reading files by path (" + describe(relation)
          + "); query the tables and views of the database instead");
    }
    if (node instanceof DataSourceV2Relation relation && !isCatalogTable(relation)) {
      throw new RefusedStatementException("reading " + relation.table().name()
          + ", which is not a table of the session catalog; query the tables and views of the database instead");
    }
  }

  /**
   * Files of a Delta table (judged earlier as a catalog table), or of a Delta log, which Delta
   * reads with queries of its own (in the client's session) to know a table's files.
   */
  private static boolean isDeltaFiles(LogicalRelation relation) {
    return relation.relation() instanceof HadoopFsRelation files
        && (files.location() instanceof TahoeFileIndex || files.location() instanceof DeltaLogFileIndex
            || files.fileFormat() instanceof DeltaParquetFileFormat);
  }

  private static String describe(LogicalRelation relation) {
    return relation.relation() instanceof HadoopFsRelation files
        ? files.fileFormat().getClass().getSimpleName() + " " + files.location().getClass().getSimpleName()
        : relation.relation().getClass().getSimpleName();
  }

  private static boolean isCatalogTable(DataSourceV2Relation relation) {
    boolean sessionCatalog = relation.catalog().isDefined() && relation.catalog().get().name().equals(SESSION_CATALOG)
        && relation.identifier().isDefined();
    // delta.`/path` resolves through the session catalog too, but to a table without a catalog entry.
    return sessionCatalog && (!(relation.table() instanceof DeltaTableV2 delta) || delta.catalogTable().isDefined());
  }
}
