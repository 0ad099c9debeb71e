################################################################################
# Production: target-tracking autoscaling and alarms
################################################################################

locals {
  scaling = var.autoscaling_enabled ? {
    gunicorn = var.gunicorn_scaling
    celery   = var.celery_scaling
  } : {}
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.scaling

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.autoscaled[each.key].name}"
  # Paused: a range of 0 makes Application Auto Scaling scale the service in to 0.
  min_capacity = var.paused ? 0 : each.value.min_count
  max_capacity = var.paused ? 0 : each.value.max_count
  tags         = local.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = local.scaling

  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.cpu_target
    scale_in_cooldown  = each.value.scale_in_cooldown_s
    scale_out_cooldown = each.value.scale_out_cooldown_s

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "gunicorn_requests" {
  count = var.autoscaling_enabled && var.gunicorn_scaling.requests_per_target != null ? 1 : 0

  name               = "${var.name}-gunicorn-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this["gunicorn"].service_namespace
  scalable_dimension = aws_appautoscaling_target.this["gunicorn"].scalable_dimension
  resource_id        = aws_appautoscaling_target.this["gunicorn"].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.gunicorn_scaling.requests_per_target
    scale_in_cooldown  = var.gunicorn_scaling.scale_in_cooldown_s
    scale_out_cooldown = var.gunicorn_scaling.scale_out_cooldown_s

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${coalesce(var.alb_arn_suffix, "unset")}/${aws_lb_target_group.gunicorn.arn_suffix}"
    }
  }

  lifecycle {
    precondition {
      condition     = var.alb_arn_suffix != null
      error_message = "alb_arn_suffix is required for request-count autoscaling (or set gunicorn_scaling.requests_per_target = null)."
    }
  }
}

locals {
  alarm_dimensions_ecs = { for s in ["gunicorn", "celery"] : s => { ClusterName = var.name, ServiceName = local.service_names[s] } }

  alarms = var.alarms_enabled ? merge(
    {
      for s in ["gunicorn", "celery"] : "${s}-cpu-high" => {
        description = "${var.name} ${s}: average CPU above ${var.alarm_cpu_threshold}% for 15 minutes"
        namespace   = "AWS/ECS"
        metric      = "CPUUtilization"
        statistic   = "Average"
        threshold   = var.alarm_cpu_threshold
        periods     = 3
        dimensions  = local.alarm_dimensions_ecs[s]
      }
    },
    {
      for s, tg in { gunicorn = aws_lb_target_group.gunicorn, frontend = aws_lb_target_group.frontend } : "${s}-unhealthy-targets" => {
        description           = "${var.name} ${s}: unhealthy targets behind the load balancer"
        namespace             = "AWS/ApplicationELB"
        metric                = "UnHealthyHostCount"
        statistic             = "Maximum"
        threshold             = 0
        periods               = 3
        dimensions            = { TargetGroup = tg.arn_suffix, LoadBalancer = coalesce(var.alb_arn_suffix, "unset") }
      }
    },
    {
      "gunicorn-5xx" = {
        description = "${var.name} gunicorn: more than ${var.alarm_5xx_threshold} 5xx responses in 5 minutes"
        namespace   = "AWS/ApplicationELB"
        metric      = "HTTPCode_Target_5XX_Count"
        statistic   = "Sum"
        threshold   = var.alarm_5xx_threshold
        periods     = 1
        dimensions  = { TargetGroup = aws_lb_target_group.gunicorn.arn_suffix, LoadBalancer = coalesce(var.alb_arn_suffix, "unset") }
      }
    },
  ) : {}
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = each.value.periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  # No traffic is not an outage.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_sns_topic_arns
  ok_actions         = var.alarm_sns_topic_arns
  tags               = local.tags

  lifecycle {
    precondition {
      condition     = each.value.namespace != "AWS/ApplicationELB" || var.alb_arn_suffix != null
      error_message = "alb_arn_suffix is required for the load balancer alarms."
    }
  }
}
