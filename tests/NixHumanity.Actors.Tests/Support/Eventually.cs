namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Retries an assertion until it holds or the deadline passes. Only for effects that no event announces (a snapshot
/// row written after the reply, a projection catching up on its own); anything with an event waits on the event.
/// The deadline is generous (30 s) because it only bounds a failure, never paces a success.
/// </summary>
public static class Eventually
{
    public static async Task HoldsAsync(Action assertion, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public static async Task HoldsAsync(Func<Task> assertion, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
